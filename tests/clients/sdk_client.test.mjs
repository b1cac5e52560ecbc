// The official MCP TypeScript SDK client (@modelcontextprotocol/sdk, pinned in
// package.json) driving `quarry serve` over stdio with the test fixture plugin.
//
//   QUARRY_BINARY=.../quarry QUARRY_FIXTURE_DIR=.../test-plugins/fixtures node --test sdk_client.test.mjs
//
// Each test group starts its own server through StdioClientTransport with the SDK's
// default minimal environment (HOME, LOGNAME, PATH, SHELL, TERM, USER), the way a
// desktop client would, plus two QUARRY_PLUGINS_* settings that keep the run hermetic.
// QUARRY_CLIENT_VERBOSE=1 echoes the server's stderr.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CallToolResultSchema,
  ErrorCode,
  LoggingMessageNotificationSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';

const QUARRY_BINARY = process.env.QUARRY_BINARY;
const FIXTURE_DIR = process.env.QUARRY_FIXTURE_DIR;
const VERBOSE = Boolean(process.env.QUARRY_CLIENT_VERBOSE);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const FIXTURE_TOOLS = [
  'test_simple_text',
  'test_image_content',
  'test_audio_content',
  'test_embedded_resource',
  'test_multiple_content_types',
  'test_tool_with_logging',
  'test_error_handling',
  'test_tool_with_progress',
  'json_schema_2020_12_tool',
  'test_sleep',
  'test_echo',
  'test_stdout_noise',
  'test_fail_status',
];

if (!QUARRY_BINARY || !FIXTURE_DIR) {
  throw new Error(
    'Set QUARRY_BINARY (the quarry executable) and QUARRY_FIXTURE_DIR (the directory holding ' +
      'libquarry_test_fixtures.so, <build>/test-plugins/fixtures) to run these tests.',
  );
}

// The client records the negotiated version through this hook (it exists for HTTP
// transports; the SDK calls it on any transport that has it).
class RecordingStdioTransport extends StdioClientTransport {
  setProtocolVersion(version) {
    this.negotiatedProtocolVersion = version;
  }
}

// A temporary working directory keeps a stray ./quarry.toml from being picked up.
const workDir = mkdtempSync(path.join(tmpdir(), 'quarry-sdk-client-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

// Merged over the SDK's minimal default environment. Only the fixture directory is
// searched (not the installed plugin directories), and the registry cache stays out of
// the user's ~/.cache. Values set by the caller win.
const serverEnv = {
  QUARRY_PLUGINS_DIRS: process.env.QUARRY_PLUGINS_DIRS ?? '[]',
  QUARRY_PLUGINS_CACHE_DIR: process.env.QUARRY_PLUGINS_CACHE_DIR ?? path.join(workDir, 'cache'),
};

// Starts `quarry serve` and connects an SDK client to it.
async function startServer(extraArgs = []) {
  const transport = new RecordingStdioTransport({
    command: QUARRY_BINARY,
    args: ['serve', '--plugin-dir', FIXTURE_DIR, ...extraArgs],
    env: serverEnv,
    cwd: workDir,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
    if (VERBOSE) process.stderr.write(`[quarry] ${chunk}`);
  });
  const errors = [];
  const client = new Client({ name: 'quarry-sdk-client-test', version: '1.0.0' });
  client.onerror = (error) => errors.push(error);
  await client.connect(transport);
  return {
    client,
    transport,
    errors,
    stderrTail: () => stderr.split('\n').slice(-40).join('\n'),
    async close() {
      const started = Date.now();
      await client.close();
      return Date.now() - started;
    },
  };
}

// Runs `body`, adding the server's recent stderr to any failure.
async function withServerLog(server, body) {
  try {
    await body();
  } catch (error) {
    error.message += `\n--- quarry stderr (tail) ---\n${server.stderrTail()}`;
    throw error;
  }
}

function textOf(result) {
  return result.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('quarry serve with the official TypeScript SDK client', { timeout: 120_000 }, () => {
  let server;
  let tools;

  before(async () => {
    server = await startServer();
    // listTools also makes the SDK compile every outputSchema, so later callTool
    // results with structuredContent are validated by the SDK itself.
    tools = (await server.client.listTools()).tools;
  });
  after(async () => {
    if (server) await server.close();
  });

  test('connects and negotiates 2025-11-25 with server "quarry"', () =>
    withServerLog(server, async () => {
      assert.equal(server.transport.negotiatedProtocolVersion, '2025-11-25');
      const info = server.client.getServerVersion();
      assert.equal(info.name, 'quarry');
      assert.equal(typeof info.version, 'string');
      assert.ok(info.version.length > 0);
      const capabilities = server.client.getServerCapabilities();
      assert.ok(capabilities.tools, 'server declares the tools capability');
    }));

  test('ping answers', () =>
    withServerLog(server, async () => {
      assert.deepEqual(await server.client.ping(), {});
    }));

  test('listTools has quarry_health and every fixture, all well-formed', () =>
    withServerLog(server, async () => {
      const names = tools.map((tool) => tool.name);
      for (const expected of ['quarry_health', ...FIXTURE_TOOLS]) {
        assert.ok(names.includes(expected), `${expected} missing from tools/list: ${names.join(', ')}`);
      }
      assert.equal(new Set(names).size, names.length, 'tool names are unique');
      for (const tool of tools) {
        assert.match(tool.name, TOOL_NAME, `tool name ${JSON.stringify(tool.name)}`);
        assert.ok(tool.description && tool.description.length > 0, `${tool.name} has a description`);
        assert.equal(tool.inputSchema.type, 'object', `${tool.name} inputSchema is an object schema`);
      }
      const schemaTool = tools.find((tool) => tool.name === 'json_schema_2020_12_tool');
      assert.equal(schemaTool.inputSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.ok(schemaTool.inputSchema.$defs?.address, '$defs.address survives');
      assert.equal(schemaTool.inputSchema.additionalProperties, false);
      const sleepTool = tools.find((tool) => tool.name === 'test_sleep');
      assert.deepEqual(sleepTool.outputSchema?.required, ['slept_ms']);
    }));

  test('quarry_health returns structuredContent matching its outputSchema', () =>
    withServerLog(server, async () => {
      const health = tools.find((tool) => tool.name === 'quarry_health');
      assert.ok(health.outputSchema, 'quarry_health declares an outputSchema');
      // The SDK validates structuredContent against the outputSchema from listTools
      // and throws on a mismatch.
      const result = await server.client.callTool({ name: 'quarry_health', arguments: {} });
      assert.notEqual(result.isError, true, textOf(result));
      assert.equal(typeof result.structuredContent, 'object');
      assert.equal(typeof result.structuredContent.version, 'string');
      assert.ok(textOf(result).length > 0, 'has a text rendering');
    }));

  test('test_sleep reports progress (>= 3 notifications, increasing) and returns slept_ms', () =>
    withServerLog(server, async () => {
      const progress = [];
      const result = await server.client.callTool(
        { name: 'test_sleep', arguments: { ms: 300, steps: 6 } },
        CallToolResultSchema,
        { onprogress: (p) => progress.push(p) },
      );
      assert.notEqual(result.isError, true, textOf(result));
      assert.deepEqual(result.structuredContent, { slept_ms: 300 });
      assert.ok(progress.length >= 3, `got ${progress.length} progress notifications`);
      for (let i = 1; i < progress.length; ++i) {
        assert.ok(progress[i].progress > progress[i - 1].progress, 'progress strictly increases');
      }
      assert.equal(progress[0].total, 6);
      assert.equal(typeof progress[0].message, 'string');
    }));

  test('a long call does not block ping', () =>
    withServerLog(server, async () => {
      const call = server.client.callTool({ name: 'test_sleep', arguments: { ms: 1500, steps: 3 } });
      call.catch(() => {}); // awaited below
      await sleep(100);
      const started = Date.now();
      await server.client.ping();
      const pingMs = Date.now() - started;
      assert.ok(pingMs < 1000, `ping took ${pingMs} ms during a running call`);
      const result = await call;
      assert.deepEqual(result.structuredContent, { slept_ms: 1500 });
    }));

  test('an unknown tool is a JSON-RPC error -32602', () =>
    withServerLog(server, async () => {
      await assert.rejects(
        server.client.callTool({ name: 'no_such_tool_anywhere', arguments: {} }),
        (error) => {
          assert.ok(error instanceof McpError, `expected McpError, got ${error}`);
          assert.equal(error.code, ErrorCode.InvalidParams);
          return true;
        },
      );
    }));

  test('invalid arguments come back as an isError result (2025-11-25)', () =>
    withServerLog(server, async () => {
      const missing = await server.client.callTool({ name: 'test_echo', arguments: { times: 2 } });
      assert.equal(missing.isError, true);
      assert.match(textOf(missing), /text/, 'the message names the missing argument');

      const extra = await server.client.callTool({
        name: 'test_echo',
        arguments: { text: 'x', colour: 'red' },
      });
      assert.equal(extra.isError, true, 'additionalProperties:false is enforced');

      const outOfRange = await server.client.callTool({
        name: 'test_echo',
        arguments: { text: 'x', times: 11 },
      });
      assert.equal(outOfRange.isError, true, 'maximum is enforced');
    }));

  test('test_echo echoes text (escapes intact) as text and structuredContent', () =>
    withServerLog(server, async () => {
      const text = 'h\u00e9 "q" \\ \n\u{1F600}';
      const result = await server.client.callTool({ name: 'test_echo', arguments: { text, times: 3 } });
      assert.notEqual(result.isError, true, textOf(result));
      assert.equal(textOf(result), text.repeat(3));
      assert.deepEqual(result.structuredContent, { echo: text.repeat(3) });
      const once = await server.client.callTool({ name: 'test_echo', arguments: { text: 'once' } });
      assert.deepEqual(once.structuredContent, { echo: 'once' });
    }));

  test('a failing plugin status becomes an isError result with its message', () =>
    withServerLog(server, async () => {
      const result = await server.client.callTool({ name: 'test_fail_status', arguments: {} });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /deliberate failure/);
    }));

  test('test_error_handling returns the reference isError result', () =>
    withServerLog(server, async () => {
      const result = await server.client.callTool({ name: 'test_error_handling', arguments: {} });
      assert.equal(result.isError, true);
      assert.equal(result.content[0].text, 'This tool intentionally returns an error for testing');
    }));

  test('plugin stdout noise never reaches the MCP stream', () =>
    withServerLog(server, async () => {
      server.errors.length = 0;
      const result = await server.client.callTool({ name: 'test_stdout_noise', arguments: {} });
      assert.equal(textOf(result), 'printed noise');
      // The stream is intact: more requests still work and nothing unparseable arrived.
      assert.deepEqual(await server.client.ping(), {});
      const echo = await server.client.callTool({ name: 'test_echo', arguments: { text: 'after' } });
      assert.deepEqual(echo.structuredContent, { echo: 'after' });
      await sleep(50);
      assert.deepEqual(
        server.errors.map(String),
        [],
        'the client saw no parse errors or stray responses',
      );
    }));

  test('conformance fixtures return the reference content over stdio', () =>
    withServerLog(server, async () => {
      const simple = await server.client.callTool({ name: 'test_simple_text' });
      assert.deepEqual(simple.content, [
        { type: 'text', text: 'This is a simple text response for testing.' },
      ]);
      const image = await server.client.callTool({ name: 'test_image_content', arguments: {} });
      assert.equal(image.content[0].type, 'image');
      assert.equal(image.content[0].mimeType, 'image/png');
      assert.equal(Buffer.from(image.content[0].data, 'base64').subarray(1, 4).toString(), 'PNG');
      const audio = await server.client.callTool({ name: 'test_audio_content', arguments: {} });
      assert.equal(audio.content[0].mimeType, 'audio/wav');
      assert.equal(Buffer.from(audio.content[0].data, 'base64').subarray(0, 4).toString(), 'RIFF');
      const embedded = await server.client.callTool({ name: 'test_embedded_resource', arguments: {} });
      assert.deepEqual(embedded.content[0].resource, {
        uri: 'test://embedded-resource',
        mimeType: 'text/plain',
        text: 'This is an embedded resource content.',
      });
      const mixed = await server.client.callTool({
        name: 'test_multiple_content_types',
        arguments: {},
      });
      assert.deepEqual(
        mixed.content.map((block) => block.type),
        ['text', 'image', 'resource'],
      );
      assert.deepEqual(JSON.parse(mixed.content[2].resource.text), { test: 'data', value: 123 });
    }));

  test('test_tool_with_logging sends 3 info log notifications before its result', () =>
    withServerLog(server, async () => {
      const messages = [];
      server.client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        messages.push(notification.params);
      });
      assert.deepEqual(await server.client.setLoggingLevel('info'), {});
      const result = await server.client.callTool({ name: 'test_tool_with_logging', arguments: {} });
      assert.equal(textOf(result), 'Tool with logging executed successfully');
      await sleep(50);
      assert.deepEqual(
        messages.map((m) => [m.level, m.data]),
        [
          ['info', 'Tool execution started'],
          ['info', 'Tool processing data'],
          ['info', 'Tool execution completed'],
        ],
      );
      // Above the threshold nothing is sent.
      messages.length = 0;
      await server.client.setLoggingLevel('warning');
      await server.client.callTool({ name: 'test_tool_with_logging', arguments: {} });
      await sleep(50);
      assert.equal(messages.length, 0, 'info messages are filtered at level warning');
      await server.client.setLoggingLevel('info');
    }));

  test('test_tool_with_progress reports 0, 50, 100 of 100', () =>
    withServerLog(server, async () => {
      const progress = [];
      const result = await server.client.callTool(
        { name: 'test_tool_with_progress', arguments: {} },
        CallToolResultSchema,
        { onprogress: (p) => progress.push(p) },
      );
      assert.equal(textOf(result), 'progress reported');
      assert.deepEqual(
        progress.map((p) => [p.progress, p.total]),
        [
          [0, 100],
          [50, 100],
          [100, 100],
        ],
      );
    }));
});

describe('cancellation', { timeout: 60_000 }, () => {
  test('aborting a slow test_sleep rejects at once, the tool stops, the session goes on', async () => {
    const server = await startServer();
    try {
      await withServerLog(server, async () => {
        await server.client.listTools();
        const controller = new AbortController();
        let firstProgress;
        const gotProgress = new Promise((resolve) => {
          firstProgress = resolve;
        });
        const call = server.client.callTool(
          { name: 'test_sleep', arguments: { ms: 30_000, steps: 300 } },
          CallToolResultSchema,
          { onprogress: (p) => firstProgress(p), signal: controller.signal },
        );
        call.catch(() => {}); // inspected below
        let timer;
        const first = await Promise.race([
          gotProgress,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('no progress within 10 s')), 10_000);
          }),
        ]).finally(() => clearTimeout(timer));
        assert.equal(first.total, 300);

        const abortedAt = Date.now();
        controller.abort();
        await assert.rejects(call, (error) => {
          assert.ok(error instanceof McpError, `expected McpError, got ${error}`);
          assert.equal(error.code, ErrorCode.RequestTimeout);
          return true;
        });
        const rejectMs = Date.now() - abortedAt;
        assert.ok(rejectMs < 1000, `rejected after ${rejectMs} ms`);

        // The session still works.
        assert.deepEqual(await server.client.ping(), {});
        const next = await server.client.callTool({ name: 'test_sleep', arguments: { ms: 50, steps: 2 } });
        assert.deepEqual(next.structuredContent, { slept_ms: 50 });
      });
    } finally {
      // The host drains running calls for several seconds after stdin closes; a prompt
      // exit proves the cancelled test_sleep really stopped inside the plugin.
      // (A call still running would hold the host past the SDK's 2 s grace, then SIGTERM.)
      const closeMs = await server.close();
      assert.ok(closeMs < 1900, `server took ${closeMs} ms to exit after close (cancelled call still running?)`);
    }
  });
});
