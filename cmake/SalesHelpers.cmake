# One helper for libraries, one for tests, one for benchmarks, one for proto packages.
#
#   sales_cc_library(NAME eventstore HDRS a.h SRCS a.cc DEPS sales::status RocksDB::rocksdb)
#     -> target sales_eventstore, alias sales::eventstore
#   sales_cc_test(NAME eventstore_test SRCS eventstore_test.cc DEPS sales::eventstore)
#     -> a GoogleTest binary registered with CTest through gtest_discover_tests
#   sales_cc_benchmark(NAME eventstore_benchmark SRCS ... DEPS ...)
#     -> a Google Benchmark binary (not a test; run it by hand, see README)
#   sales_proto_library(NAME common_proto PROTOS sales/common/v1/envelope.proto [GRPC] DEPS ...)
#     -> one library per proto package: generated .pb.cc (+ .grpc.pb.cc with GRPC)

function(sales_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "HDRS;SRCS;DEPS" ${ARGN})
  if(ARG_SRCS)
    add_library(sales_${ARG_NAME} ${ARG_SRCS} ${ARG_HDRS})
    target_compile_options(sales_${ARG_NAME} PRIVATE ${SALES_WARNING_FLAGS})
    target_link_libraries(sales_${ARG_NAME} PUBLIC ${ARG_DEPS})
  else()
    add_library(sales_${ARG_NAME} INTERFACE)
    target_link_libraries(sales_${ARG_NAME} INTERFACE ${ARG_DEPS})
  endif()
  add_library(sales::${ARG_NAME} ALIAS sales_${ARG_NAME})
endfunction()

# Every test executable (and, through their dependencies, what they run): what the sanitizer
# builds of tools/checks.sh build, instead of the whole tree with its benchmarks and tools.
add_custom_target(sales_tests)

function(sales_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  add_dependencies(sales_tests ${ARG_NAME})
  target_compile_options(${ARG_NAME} PRIVATE ${SALES_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  sales_link_sanitizer_support(${ARG_NAME})
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${labels}" TIMEOUT 300)
endfunction()

# ThreadSanitizer builds: Debian's Abseil is not instrumented, so its Mutex's hand-offs would be
# invisible to TSan; common/sanitizers/tsan_absl_sync.cc tells TSan about them (see there).
function(sales_link_sanitizer_support target)
  if(SALES_SANITIZE STREQUAL "thread")
    target_link_libraries(${target} PRIVATE sales_tsan_absl_sync)
    # Exported, so that calls from inside the Abseil library reach these definitions too.
    target_link_options(${target} PRIVATE -rdynamic)
  endif()
endfunction()

function(sales_cc_benchmark)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${SALES_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  sales_link_malloc(${ARG_NAME})
endfunction()

function(sales_cc_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${SALES_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  sales_link_malloc(${ARG_NAME})
  sales_link_sanitizer_support(${ARG_NAME})
endfunction()

# Links tcmalloc so that it replaces glibc's malloc in the executable (kept even where the
# linker drops libraries no symbol was taken from: tcmalloc is used through malloc itself).
# Not in sanitizer builds: the sanitizers bring their own allocator.
function(sales_link_malloc target)
  if(SALES_SANITIZE OR NOT SALES_TCMALLOC)
    return()
  endif()
  target_link_libraries(${target} PRIVATE -Wl,--no-as-needed PkgConfig::TCMALLOC -Wl,--as-needed)
endfunction()

# Generates C++ from .proto files under proto/ (import root = proto/).
function(sales_proto_library)
  cmake_parse_arguments(ARG "GRPC" "NAME" "PROTOS;DEPS" ${ARGN})
  set(out_dir ${PROJECT_BINARY_DIR}/proto_gen)
  set(srcs)
  set(hdrs)
  foreach(proto ${ARG_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" base ${proto})
    set(outputs ${out_dir}/${base}.pb.cc ${out_dir}/${base}.pb.h)
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outputs ${out_dir}/${base}.grpc.pb.cc ${out_dir}/${base}.grpc.pb.h)
      set(plugin_args --grpc_out=${out_dir}
                      --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND protobuf::protoc --cpp_out=${out_dir} ${plugin_args}
              -I ${PROJECT_SOURCE_DIR}/proto ${PROJECT_SOURCE_DIR}/proto/${proto}
      DEPENDS ${PROJECT_SOURCE_DIR}/proto/${proto} protobuf::protoc
      COMMENT "protoc ${proto}")
    list(APPEND srcs ${out_dir}/${base}.pb.cc)
    if(ARG_GRPC)
      list(APPEND srcs ${out_dir}/${base}.grpc.pb.cc)
    endif()
  endforeach()
  add_library(sales_${ARG_NAME} ${srcs})
  target_include_directories(sales_${ARG_NAME} PUBLIC ${out_dir})
  target_link_libraries(sales_${ARG_NAME} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${ARG_DEPS})
  add_library(sales::${ARG_NAME} ALIAS sales_${ARG_NAME})
endfunction()
