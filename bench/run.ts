/** `npm run bench -- <name> [options]`: runs bench/<name>.ts. */
const [name, ...rest] = process.argv.slice(2);
const benches = ["bundles", "letter-batch", "login", "parity"];
if (!name || !benches.includes(name)) {
  console.error(`usage: npm run bench -- <${benches.join("|")}> [options]`);
  process.exit(2);
}
process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
// The SDK's notice about its coming Node 22 requirement (Lambda runs 22) would interleave with the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
await import(`./${name}.ts`);
