// clean_normalize against Python 3 / pandas 1.5 (fixtures/expected.json "normalize", made by
// make_fixtures.py; each reference names its call): str.strip, split/join, lower, casefold,
// unicodedata.normalize, pd.to_datetime(format=...), and number parsing.

#include "normalize.hpp"
#include "clean_test_support.hpp"

using namespace clean_test;
using quarry::clean::NormalizeStage;

namespace {

const json& ref() {
  return expected().at("normalize");
}

Table text_table(const json& values) {
  TextColumn c{"t", {}, sdk::ColumnType::utf8};
  for (const auto& v : values)
    c.cells.emplace_back(v.is_null() ? std::nullopt : std::optional(v.get<std::string>()));
  return make_table({c});
}

std::vector<std::optional<std::string>> run_ops(const json& values, const json& ops,
                                                const RunOptions& o = {}) {
  return run_stage<NormalizeStage>(text_table(values), {{"columns", {{"t", ops}}}}, o).column("t");
}

void expect_texts(const std::vector<std::optional<std::string>>& got, const json& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].has_value(), !want[i].is_null()) << i;
    if (got[i]) {
      EXPECT_EQ(*got[i], want[i].get<std::string>()) << i;
    }
  }
}

}  // namespace

TEST(CleanNormalize, TextOperationsMatchPython) {
  const json& texts = ref()["texts"];
  expect_texts(run_ops(texts, {{"trim", true}}), ref()["strip"]["values"]);
  expect_texts(run_ops(texts, {{"trim", true}, {"collapse_whitespace", true}}),
               ref()["collapse_strip"]["values"]);
  expect_texts(run_ops(texts, {{"case", "lower"}}), ref()["lower"]["values"]);
  expect_texts(run_ops(texts, {{"case", "fold"}}), ref()["casefold"]["values"]);
  expect_texts(run_ops(texts, {{"unicode", "NFC"}}), ref()["nfc"]["values"]);
  expect_texts(run_ops(texts, {{"unicode", "NFKC"}}), ref()["nfkc"]["values"]);
  // upper is the simple per-code-point mapping (utf8proc): Python's full mapping turns ß into
  // SS, utf8proc into the capital sharp s U+1E9E, so that sample (index 2) differs on purpose.
  const auto upper = run_ops(texts, {{"case", "upper"}});
  for (std::size_t i = 0; i < upper.size(); ++i) {
    if (i != 2) {
      EXPECT_EQ(*upper[i], ref()["upper"]["values"][i].get<std::string>()) << i;
    }
  }
  EXPECT_EQ(*upper[2], "STRASSE STRA\u1e9eE");
}

TEST(CleanNormalize, DatesMatchPandasToDatetime) {
  for (const auto& [format, r] : ref()["dates"].items()) {
    SCOPED_TRACE(format);
    const Output out = run_stage<NormalizeStage>(
        text_table(r["values"]),
        // (min_share 0: the fixtures mix in values that must fail, to check they do)
        {{"columns", {{"t", {{"parse", "date"}, {"formats", {format}}, {"min_share", 0}}}}}});
    expect_texts(out.column("t"), r["iso"]);  // r["call"]
    std::int64_t failed = 0;
    for (const auto& v : r["iso"]) failed += v.is_null() ? 1 : 0;
    EXPECT_EQ(out.data["columns"][0]["failed"], failed);
    EXPECT_EQ(output_errors("clean_normalize", out.data), "");
  }
  // Detected formats: ISO (with a UTC offset: the instant in UTC, as pandas' utc=True), then
  // month-first, then day-first (31 cannot be a month).
  const auto detected =
      run_ops({"2024-02-03", "02/03/2024", "31/01/2024", "3 Feb 2024", "Feb 3, 2024", "soon",
               "2024-03-02T11:30:00Z", "2024-03-02 01:30:00.25+02:00", "2024-03-02T23:30-01:00"},
              {{"parse", "date"}});
  expect_texts(detected,
               {"2024-02-03", "2024-02-03", "2024-01-31", "2024-02-03", "2024-02-03", nullptr,
                "2024-03-02T11:30:00Z", "2024-03-01T23:30:00.250000Z", "2024-03-03T00:30:00Z"});
}

// A column whose detected dates need day-first for some values (31/01/2024) while others fit
// both orders (02/03/2024, read month-first as pandas' to_datetime does) is flagged: the
// ambiguous ones are most likely wrong. Given formats, or one order alone, say nothing.
TEST(CleanNormalize, DatesReadInBothOrdersAreFlaggedWithTheFix) {
  const json days = {"31/01/2024", "02/03/2024", "15/03/2024", "05/05/2024", "04/06/2024", nullptr};
  for (const RunOptions& o : splits()) {
    const Output out =
        run_stage<NormalizeStage>(text_table(days), {{"columns", {{"t", {{"parse", "date"}}}}}}, o);
    EXPECT_EQ(output_errors("clean_normalize", out.data), "");
    const json& column = out.data["columns"][0];
    EXPECT_EQ(column["ambiguous"], 2);  // 02/03 and 04/06; 05/05 is the same either way
    const std::string note = column["note"].get<std::string>();
    EXPECT_NE(note.find("2 dates only day-first can read"), std::string::npos) << note;
    EXPECT_NE(note.find("(e.g. 02/03/2024)"), std::string::npos) << note;
    EXPECT_NE(out.text.find("pass formats [\"%d/%m/%Y\"]"), std::string::npos) << out.text;
  }
  const Output given = run_stage<NormalizeStage>(
      text_table(days), {{"columns", {{"t", {{"parse", "date"}, {"formats", {"%d/%m/%Y"}}}}}}});
  EXPECT_FALSE(given.data["columns"][0].contains("note"));
  EXPECT_EQ(given.column("t")[1], "2024-03-02");
  // Two-digit years, strptime's pivot (pd.to_datetime(format="%m/%d/%y") agrees).
  expect_texts(run_ops({"03/15/24", "15/03/24", "15.03.99", "12/31/68 10:30"}, {{"parse", "date"}}),
               {"2024-03-15", "2024-03-15", "1999-03-15", "2068-12-31T10:30:00"});
  const Output month_first = run_stage<NormalizeStage>(text_table({"02/03/2024", "12/31/2024"}),
                                                       {{"columns", {{"t", {{"parse", "date"}}}}}});
  EXPECT_FALSE(month_first.data["columns"][0].contains("note"));
}

// A parse that fails for most values (unknown words, a wrong format) would write a column of
// nulls; it fails instead, naming the fix, unless min_share says the nulls are wanted.
TEST(CleanNormalize, AParseThatLosesMostValuesFailsAndNamesTheFix) {
  const json words = {{"parse", "bool"}};
  const json german = {"ja", "nein", "Ja", "yes", nullptr};
  try {
    (void)run_ops(german, words);
    ADD_FAILURE() << "1 of 4 values parsed, below the default min_share 0.5";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("only 1 of 4 values parsed as bool"), std::string::npos) << what;
    EXPECT_NE(what.find("true_values"), std::string::npos) << what;
    EXPECT_NE(what.find("\"nein\""), std::string::npos) << what;
  }
  json listed = words;
  listed["true_values"] = {"JA"};
  listed["false_values"] = {" nein "};
  const auto read = run_ops(german, listed);
  ASSERT_EQ(read.size(), 5u);
  EXPECT_EQ(*read[0], "true");
  EXPECT_EQ(*read[1], "false");
  EXPECT_EQ(*read[2], "true");
  EXPECT_EQ(*read[3], "true");
  EXPECT_FALSE(read[4].has_value());
  json accepting = words;
  accepting["min_share"] = 0;
  const auto nulls = run_ops(german, accepting);
  EXPECT_FALSE(nulls[0].has_value());
  EXPECT_EQ(*nulls[3], "true");
  // Exactly the share asked for passes: 2 of 4 dates with min_share 0.5.
  EXPECT_NO_THROW((void)run_ops(json{"2024-01-02", "2024-01-03", "soon", "later"},
                                {{"parse", "date"}, {"min_share", 0.5}}));
  json both = words;
  both["true_values"] = {"ja"};
  both["false_values"] = {"JA"};
  EXPECT_THROW((void)run_ops(german, both), std::exception);
}

TEST(CleanNormalize, NumbersAndBooleans) {
  const Output out = run_stage<NormalizeStage>(text_table(ref()["numbers"]["values"]),
                                               {{"columns", {{"t", {{"parse", "number"}}}}}});
  EXPECT_EQ(out.types[0], sdk::ColumnType::float64);
  EXPECT_TRUE(same_numbers(out.column("t"), ref()["numbers"]["parsed"]));
  const auto european = run_ops({"1.234,5 \u20ac", "(2,5)"},
                                {{"parse", "number"}, {"thousands", "."}, {"decimal", ","}});
  EXPECT_EQ(*european[0], "1234.5");
  EXPECT_EQ(*european[1], "-2.5");
  const Output b =
      run_stage<NormalizeStage>(text_table({"Yes", "n", "TRUE", "0", "maybe", nullptr}),
                                {{"columns", {{"t", {{"parse", "bool"}, {"trim", true}}}}}});
  expect_texts(b.column("t"), {"true", "false", "true", "false", nullptr, nullptr});
  EXPECT_EQ(b.data["columns"][0]["failed_examples"], json::array({"maybe"}));
}

TEST(CleanNormalize, ThousandsSeparatorsOnlyBetweenGroupsOfThree) {
  // Decimal commas read with the default thousands "," must fail, not become other numbers
  // (pandas read_csv(thousands=",") leaves these as text too); min_share 0 keeps the call
  // going so that each value's fate shows.
  const json lax = {{"parse", "number"}, {"min_share", 0}};
  const auto read =
      run_ops({"1.234,56", "12.345,00", "999,5", "1,2,3,4", "12,34", "1,000.5", "$1,234,567"}, lax);
  ASSERT_EQ(read.size(), 7u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_FALSE(read[i].has_value()) << i << ": " << *read[i];
  EXPECT_EQ(*read[5], "1000.5");
  EXPECT_EQ(*read[6], "1234567");
  json european = lax;
  european["thousands"] = ".";
  european["decimal"] = ",";
  const auto swapped = run_ops({"1,000.5", "1.234,56", "1.2,5"}, european);
  EXPECT_FALSE(swapped[0].has_value());
  EXPECT_EQ(*swapped[1], "1234.56");
  EXPECT_FALSE(swapped[2].has_value());
  // With the default min_share, a file of decimal commas now fails and names the fix.
  EXPECT_THROW((void)run_ops({"1.234,56", "999,5", "12,34"}, {{"parse", "number"}}),
               std::exception);
}

TEST(CleanNormalize, SameBytesWhateverTheChunkingAndWorkers) {
  const json args = {{"columns", {{"g", {{"case", "upper"}}}, {"amount", {{"parse", "number"}}}}}};
  const std::string reference = run_stage<NormalizeStage>(fixture(), args).csv();
  for (const RunOptions& o : splits())
    EXPECT_EQ(run_stage<NormalizeStage>(fixture(), args, o).csv(), reference);
  const Output out = run_stage<NormalizeStage>(fixture(), args, {64, 3, 0});
  EXPECT_EQ(out.data["columns"][0]["name"], "amount");  // reported in argument-name order
  EXPECT_EQ(
      out.data["columns"][0]["failed"].get<std::int64_t>(),
      fixture().rows - expected()["profile"]["amount"]["coercible"]["value"].get<std::int64_t>());
}

TEST(CleanNormalize, ColumnsTheReaderAlreadyTypedAsAskedPassThrough) {
  // The CSV reader types ISO dates as timestamps and numbers as numbers; asking clean_normalize
  // to parse them as what they already are leaves them as they are, and says so.
  TextColumn when{"when",
                  {"2024-03-02T11:30:00Z", std::nullopt, "1999-12-31T23:59:59.5Z"},
                  sdk::ColumnType::timestamp};
  TextColumn count{"n", {"12", "-3", std::nullopt}, sdk::ColumnType::int64};
  TextColumn flag{"ok", {"true", std::nullopt, "false"}, sdk::ColumnType::boolean};
  const Table table = make_table({when, count, flag});
  const json args = {
      {"columns",
       {{"when", {{"parse", "date"}}}, {"n", {{"parse", "number"}}}, {"ok", {{"parse", "bool"}}}}}};
  const Output out = run_stage<NormalizeStage>(table, args, {1, 2, 0});
  EXPECT_EQ(out.types, (std::vector{sdk::ColumnType::timestamp, sdk::ColumnType::int64,
                                    sdk::ColumnType::boolean}));
  EXPECT_EQ(out.csv(),
            run_stage<NormalizeStage>(table, {{"columns", {{"n", {{"parse", "number"}}}}}}).csv());
  for (const json& c : out.data["columns"]) {
    EXPECT_EQ(c["values"], 2) << c.dump();
    EXPECT_EQ(c["parsed"], 2) << c.dump();
    EXPECT_EQ(c["failed"], 0) << c.dump();
    EXPECT_NE(c["note"].get<std::string>().find("passed through unchanged"), std::string::npos);
  }
  // Anything else on a typed column is still refused, with the column_types fix.
  for (const json& ops : {json{{"parse", "number"}}, json{{"parse", "date"}, {"trim", true}},
                          json{{"case", "upper"}}}) {
    EXPECT_NE(run_error<NormalizeStage>(table, {{"columns", {{"when", ops}}}})
                  .find("column_types {\"when\": \"string\"}"),
              std::string::npos)
        << ops.dump();
  }
}

TEST(CleanNormalize, RefusesNonTextColumnsAndBadOptions) {
  EXPECT_NE(run_error<NormalizeStage>(fixture(), {{"columns", {{"a", {{"trim", true}}}}}})
                .find("works on text columns"),
            std::string::npos);
  EXPECT_NE(run_error<NormalizeStage>(fixture(), {{"columns", {{"zz", {{"trim", true}}}}}})
                .find("available columns"),
            std::string::npos);
  EXPECT_NE(run_error<NormalizeStage>(
                fixture(), {{"columns", {{"g", {{"parse", "date"}, {"formats", {"dd/mm"}}}}}}})
                .find("has no % fields"),
            std::string::npos);
}
