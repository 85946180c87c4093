# Front door only: every target delegates to CMake presets or a script.
#   make demo   install deps, build, run aicr on the embedded catalogue
#   make test   install deps, build with ASan+UBSan and -Werror, run every test
SHELL := /bin/bash
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
export CTEST_PARALLEL_LEVEL ?= $(JOBS)

.PHONY: deps build demo test bench fuzz format lint docs clean

deps:
	bash scripts/install-deps.sh

build:
	cmake --preset release
	cmake --build --preset release -j $(JOBS) --target aicr aicrd

demo: deps build
	bash scripts/demo.sh build/release/src/cli/aicr

test: deps
	cmake --workflow --preset ci

bench: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS) --target aicr aicrd aicr_bench_startup aicr_bench_serialize aicr_bench_recipe aicr_bench_constraints aicr_bench_bundle aicr_bench_validate aicr_bench_snapshot aicr_bench_topology aicr_bench_oci aicr_bench_attest aicr_bench_keyless aicr_test_apiserver
	build/release/bench/aicr_bench_startup build/release/src/cli/aicr
	build/release/bench/aicr_bench_serialize --benchmark_min_time=0.2
	build/release/bench/aicr_bench_recipe --benchmark_min_time=0.1
	build/release/bench/aicr_bench_constraints --benchmark_min_time=0.2
	mkdir -p out
	build/release/src/cli/aicr recipe --service ocp --intent inference --platform nim -o out/bench-recipe.yaml
	build/release/bench/aicr_bench_bundle build/release/src/cli/aicr out/bench-recipe.yaml
	build/release/bench/aicr_bench_attest build/release/src/cli/aicr out/bench-recipe.yaml
	build/release/bench/aicr_bench_validate build/release/src/cli/aicr
	bash bench/load_bench.sh build/release/src/server/aicrd
	build/release/bench/aicr_bench_snapshot build/release/src/cli/aicr
	build/release/bench/aicr_bench_topology
	build/release/bench/aicr_bench_oci
	build/release/bench/aicr_bench_keyless ../shared/conformance/sigstore-bundle-verify

fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS) --target aicr_fuzz_yaml aicr_fuzz_json aicr_fuzz_checksum aicr_fuzz_gotemplate aicr_fuzz_server_params aicr_fuzz_k8s_watch aicr_fuzz_snapshot aicr_fuzz_ctrf aicr_fuzz_validator_catalog aicr_fuzz_sigstore_bundle aicr_fuzz_tar aicr_fuzz_oci_manifest aicr_fuzz_keyless_parsers
	bash scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS)

docs:
	cmake --preset debug
	cmake --build --preset debug --target docs

format:
	git ls-files -z '*.cc' '*.h' | xargs -0 clang-format-14 -i

lint:
	git ls-files -z '*.cc' '*.h' | xargs -0 clang-format-14 --dry-run -Werror
	git ls-files -z '*.sh' .ci/run | xargs -0 shellcheck
	cmake --preset debug >/dev/null
	git ls-files -z 'src/*.cc' | xargs -0 clang-tidy-14 -p build/debug --quiet

clean:
	rm -rf build out
