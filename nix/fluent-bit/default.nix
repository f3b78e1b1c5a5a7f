# nixpkgs' fluent-bit with this repository's patches, written against v5.0.7 (the version
# nixpkgs ships; gen/versions.json). A nixpkgs with another version fails to build here, at
# the patch that no longer applies, rather than shipping a FluentBit without them. The local
# pipeline tests need the same build (README, "The fast loop").
#
# lib.overrideDerivation adds the patches to the derivation's own `patches`, which stdenv's
# patch phase applies; it needs only the derivation, not mkDerivation's overrideAttrs (which
# the offline evaluation's stand-in packages lack: docs/nix.md). Version, meta and passthru are
# the package's own.
{ lib, fluent-bit }:
lib.overrideDerivation fluent-bit (drv: {
  patches = (drv.patches or [ ]) ++ [
    # OTLP/protobuf integers of 2^31 and above were truncated (otel_pack_int took an int).
    # Backport of fluent/fluent-bit PR #12419.
    ./otlp-int64-values.patch
    # An OTLP/JSON body that cannot be decoded got a retryable 503 instead of a 400.
    ./otlp-json-refusal-400.patch
    # JSON nested 10,000 levels deep overflowed a thread's stack (SIGSEGV); deeper than what
    # msgpack-c unpacks (32 levels with nixpkgs' system msgpack-c) is now refused.
    ./json-depth-limit.patch
    # OTLP/protobuf records nested deeper than that were answered 201, then lost.
    ./otlp-protobuf-depth.patch
    # An OTLP/JSON intValue that is not an int64 ("abc") became 0; it is kept as sent.
    ./otlp-json-int-strings.patch
    # raw_json_key on the http input: each posted JSON object kept as its text (the
    # generated config sets it: gen/fluentbit/config.ts).
    ./http-raw-json.patch
  ];
})
