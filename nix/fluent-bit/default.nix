# nixpkgs' fluent-bit with this repository's patches, written against v5.0.7 (the version
# nixpkgs ships; gen/versions.json). A nixpkgs with another version fails to build here, at
# the patch that no longer applies, rather than shipping a FluentBit without them. The local
# pipeline tests need the same build (README, "The fast loop").
{ fluent-bit }:
fluent-bit.overrideAttrs (old: {
  patches = (old.patches or [ ]) ++ [
    # OTLP/protobuf integers of 2^31 and above were truncated (otel_pack_int took an int).
    # Backport of fluent/fluent-bit PR #12419.
    ./otlp-int64-values.patch
    # An OTLP/JSON body that cannot be decoded got a retryable 503 instead of a 400.
    ./otlp-json-refusal-400.patch
    # JSON nested 10,000 levels deep overflowed a thread's stack (SIGSEGV); deeper than 64
    # levels (what msgpack-c unpacks) is now refused.
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
