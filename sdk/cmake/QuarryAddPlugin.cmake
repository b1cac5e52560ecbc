# quarry_add_plugin(<name> SOURCES <files...> [LINK <libs...>]
#                   [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds a Quarry plugin: a MODULE library lib<name>.so (a leading "lib" in
# <name> is not doubled) that
#   - links QuarrySdk::cpp (C++ projects) or QuarrySdk::headers (C-only
#     projects) plus the LINK libraries, privately;
#   - compiles with hidden visibility and, on ELF platforms, links with a
#     version script, so only the quarry_plugin_* entry symbols are exported;
#   - is linked with --no-undefined (unless sanitizers are on), so a missing
#     library fails the build rather than the host's dlopen;
#   - needs C++17 or newer for C++ sources;
#   - lands in OUTPUT_DIRECTORY, else ${QUARRY_PLUGIN_OUTPUT_DIR} when set (the
#     Quarry build sets it to <build>/plugins), else the current binary dir;
#   - installs to ${QUARRY_PLUGIN_INSTALL_DIR} (default
#     ${CMAKE_INSTALL_LIBDIR}/quarry/plugins), component "plugins", unless
#     NO_INSTALL is given.
#
# Used unchanged by the bundled plugins in the Quarry tree and, installed next to
# QuarrySdkConfig.cmake, by third-party projects.
include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.17)
  message(FATAL_ERROR "quarry_add_plugin needs CMake 3.17 or newer")
endif()

function(quarry_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LINK")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "quarry_add_plugin(${name}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "quarry_add_plugin(${name}): SOURCES is required")
  endif()
  if(NOT TARGET QuarrySdk::headers)
    message(FATAL_ERROR "quarry_add_plugin(${name}): QuarrySdk::headers is not defined; "
                        "call find_package(QuarrySdk) first")
  endif()

  add_library(${name} MODULE ${ARG_SOURCES})
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("CXX" IN_LIST languages)
    target_link_libraries(${name} PRIVATE QuarrySdk::cpp ${ARG_LINK})
  else()
    target_link_libraries(${name} PRIVATE QuarrySdk::headers ${ARG_LINK})
  endif()

  string(REGEX REPLACE "^lib" "" output_name "${name}")
  set_target_properties(${name} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "${output_name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)

  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(QUARRY_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${QUARRY_PLUGIN_OUTPUT_DIR}")
  endif()

  # Export only the entry symbols.
  if(CMAKE_SYSTEM_NAME MATCHES "Linux|Android|BSD|DragonFly")
    set(map "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/quarry_plugin.map")
    target_link_options(${name} PRIVATE "LINKER:--version-script=${map}")
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${map}")
  elseif(APPLE)
    target_link_options(${name} PRIVATE "LINKER:-exported_symbol,_quarry_plugin_*")
  endif()

  # Undefined symbols are errors at link time, except with sanitizers (whose
  # runtimes some compilers leave undefined in shared objects).
  get_directory_property(dir_options COMPILE_OPTIONS)
  get_directory_property(dir_link_options LINK_OPTIONS)
  set(all_flags "${CMAKE_C_FLAGS} ${CMAKE_CXX_FLAGS} ${CMAKE_MODULE_LINKER_FLAGS} ${dir_options} ${dir_link_options}")
  if(NOT DEFINED QUARRY_PLUGIN_NO_UNDEFINED)
    set(QUARRY_PLUGIN_NO_UNDEFINED ON)
  endif()
  if(QUARRY_PLUGIN_NO_UNDEFINED AND NOT all_flags MATCHES "-fsanitize"
     AND CMAKE_SYSTEM_NAME MATCHES "Linux|Android|BSD|DragonFly")
    target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  endif()

  if(NOT ARG_NO_INSTALL)
    if(NOT QUARRY_PLUGIN_INSTALL_DIR)
      include(GNUInstallDirs)
      set(QUARRY_PLUGIN_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/quarry/plugins")
    endif()
    install(TARGETS ${name} LIBRARY DESTINATION "${QUARRY_PLUGIN_INSTALL_DIR}" COMPONENT plugins)
  endif()
endfunction()
