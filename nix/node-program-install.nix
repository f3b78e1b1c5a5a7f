# The installPhase of a small TypeScript program built with buildNpmPackage (loggen, report):
# production dependencies only, and bin/<name> a compiled wrapper (no shell) running its
# package.json `bin` entry on the slim Node runtime (no npm).
{ nodejs-slim }:
name: entry: ''
  runHook preInstall
  npm prune --omit=dev --offline --no-save
  mkdir -p $out/lib/${name} $out/bin
  cp -r package.json dist node_modules $out/lib/${name}/
  makeWrapper ${nodejs-slim}/bin/node $out/bin/${name} \
    --add-flags $out/lib/${name}/${entry}
  runHook postInstall
''
