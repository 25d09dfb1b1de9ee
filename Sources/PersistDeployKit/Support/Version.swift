/// The tool's version. `scripts/build-release.sh` stamps `git describe` here for release builds.
package let toolVersion = "0.1.0-dev"
