# The grader image, batch grading and the places instructors grade; see
# docs/instructors.md. Podman stands in for Docker on machines without a
# Docker engine: docker/podman keeps its storage and configuration private
# (build/podman/), and docker/base-image makes debian:bookworm-slim locally.
.PHONY: test-docker docker-test docker-deps docker-image docker-dev-image gradescope docker-clean

## docker-deps: install podman, runc and debootstrap if missing (docker/packages.txt)
docker-deps:
	@tools/install-deps docker/packages.txt

## docker-image: build the grader image (localhost/socket-workbook-grader) with podman
docker-image: docker-deps
	@docker/build-image

## docker-dev-image: build the devcontainer's stage (the grader's system plus git and gdb)
docker-dev-image: docker-deps
	@docker/build-image --dev

## docker-test: build the image, grade solutions/ in it and on the host, compare; test the image
docker-test:
	@docker/docker-test

# Part of `make test`: the same, but a machine that cannot run containers
# says why and skips.
test-docker:
	@docker/docker-test --skip-ok

## gradescope [LAB=01]: build/gradescope/autograder.zip (all labs, or LAB only)
gradescope:
	@docker/gradescope/make-zip build/gradescope/autograder.zip $(LAB)

## docker-clean: remove the image, the base image and podman's private storage
docker-clean:
	@if [ -d build/podman ]; then PODMAN_TIMEOUT=300 docker/podman system reset --force >/dev/null 2>&1 || true; \
	  rm -rf build/podman "$$(docker/podman --workbook-run-dir)"; fi
	@echo "Removed build/podman/."
