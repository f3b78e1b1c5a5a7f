# Stand-in for the HyperDX UI until nix/hyperdx/ builds the real static export:
# bin/hyperdx-serve (the command gen/k8s/hyperdx.ts runs) serves one page saying
# HyperDX is not built yet, on $PORT, so the VM still boots the rest of the pipeline.
{
  makeBinaryWrapper,
  nodejs-slim,
  runCommand,
  writeText,
}:
let
  page = writeText "index.html" ''
    <!doctype html>
    <html><head><meta charset="utf-8"><title>HyperDX is not built yet</title></head>
    <body><h1>HyperDX is not built yet</h1>
    <p>The pipeline is running; query ClickHouse with <code>nix run .#query</code>.</p></body></html>
  '';
  server = writeText "hyperdx-pending.mjs" ''
    import { createServer } from "node:http";
    import { readFileSync } from "node:fs";
    const page = readFileSync(process.env.PAGE);
    const port = Number(process.env.PORT);
    if (!Number.isInteger(port)) throw new Error("PORT must be set to the UI port");
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(req.method === "HEAD" ? undefined : page);
    });
    server.listen(port, () => console.log(`hyperdx-pending: serving on port ''${port}`));
    process.on("SIGTERM", () => server.close(() => process.exit(0)));
  '';
in
runCommand "hyperdx-pending"
  {
    nativeBuildInputs = [ makeBinaryWrapper ];
    meta.mainProgram = "hyperdx-serve";
  }
  ''
    mkdir -p $out/bin
    makeWrapper ${nodejs-slim}/bin/node $out/bin/hyperdx-serve \
      --add-flags ${server} \
      --set PAGE ${page}
  ''
