# The dependency rule of docs/architecture.md, checked over every #include "..." of our own: a library
# may include its own headers and those of the libraries beneath it, never one above or beside it.
# Run by the build (target check_layers, part of ALL): a violation fails the build and names the line.
#
#   cmake -DSOURCE_DIR=<project root> -P cmake/check_layers.cmake
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers: SOURCE_DIR is not set")
endif()

# directory → the directories whose headers it may include (its own always).
set(ALLOWED_common   "")
set(ALLOWED_sys      "common")
set(ALLOWED_record   "common")
set(ALLOWED_shaping  "common;sys")
set(ALLOWED_capture  "common;sys")
set(ALLOWED_analysis "common;sys;record;capture")
set(ALLOWED_runner   "common;sys;record;shaping;capture")
set(ALLOWED_lab_agents "common;sys")
set(ALLOWED_lab_wire "common;sys;shaping")
set(ALLOWED_lab_vm   "common;sys")
set(ALLOWED_lab_cli  "common;sys;record;shaping;capture;runner;analysis;lab/vm")
set(LAYERED common sys record shaping capture analysis runner lab/agents lab/wire lab/vm lab/cli)
# Everything of ours that a header may live in, so that an include of another top directory is caught.
set(OWN_TOPS common sys record shaping capture analysis runner lab tests bench)

set(violations "")
foreach(dir ${LAYERED})
  string(REPLACE "/" "_" key "${dir}")
  set(allowed ${ALLOWED_${key}})
  list(APPEND allowed "${dir}")
  file(GLOB_RECURSE files "${SOURCE_DIR}/${dir}/*.cpp" "${SOURCE_DIR}/${dir}/*.hpp")
  foreach(file ${files})
    file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line ${lines})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
      string(REGEX MATCH "^[^/]+" top "${header}")
      list(FIND OWN_TOPS "${top}" own)
      if(own EQUAL -1)
        continue()  # a header beside the file, or a third-party one
      endif()
      set(ok FALSE)
      foreach(a ${allowed})
        string(LENGTH "${a}/" n)
        string(SUBSTRING "${header}" 0 ${n} prefix)
        if(prefix STREQUAL "${a}/")
          set(ok TRUE)
        endif()
      endforeach()
      if(NOT ok)
        file(RELATIVE_PATH rel "${SOURCE_DIR}" "${file}")
        string(APPEND violations "\n  ${rel}: #include \"${header}\" (${dir}/ may include: ${allowed})")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "layering: a library includes a header from one it must not stand on (docs/architecture.md):${violations}")
endif()
