import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BundlingOptions, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";

/**
 * How every function of the service is bundled: an ESM bundle for Node.js 22 with source maps, the SDK we test
 * with, modules it never runs left out, pdfkit's fonts and any files generated at synthesis beside it. Nothing
 * is installed at synthesis.
 */

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Puts pdfkit's font modules beside a bundle that holds pdfkit (see the script); installs nothing. */
const pdfFontsScript = fileURLToPath(new URL("./pdf-fonts.mjs", import.meta.url));

/**
 * The AWS SDK's credential providers a function never uses. Every client's default chain (from
 * @aws-sdk/credential-provider-node) tries the environment first, and Lambda always sets AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to the execution role's credentials (as the local stack sets
 * them to its own), so the chain stops there. The links after it (SSO, shared INI files, credential_process,
 * web identity, container and instance metadata) are dynamic imports that esbuild bundles all the same, and
 * with them @aws-sdk/nested-clients (the STS, SSO, SSO-OIDC and sign-in clients they call): about 130 KB of
 * every bundle. Each is aliased to a module that throws (./credential-providers-left-out.mjs) rather than
 * marked external: an external import left in the bundle would be resolved, or not, by whatever the runtime
 * has on its module path (Lambda's Node.js runtime carries an SDK of its own), while this one fails loudly,
 * with a message naming this file, if the chain ever gets past the environment.
 */
const credentialProvidersLeftOut = [
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
  "@aws-sdk/credential-provider-http",
  "@smithy/credential-provider-imds",
];
const leftOutModule = fileURLToPath(new URL("./credential-providers-left-out.mjs", import.meta.url));
/**
 * fontkit, which pdfkit imports to embed font files, with the Brotli decoder it carries for WOFF2: about 700 KB
 * of each bundle that renders a PDF. Every document of the service uses the standard PDF fonts, which pdfkit
 * draws without it; the module in its place throws if a font file is ever embedded.
 */
const fontkitLeftOut = fileURLToPath(new URL("./fontkit-left-out.mjs", import.meta.url));
/** The AES that pdfkit calls only to encrypt a document with a password, which the service never does. */
const pdfEncryptionLeftOut = fileURLToPath(new URL("./pdf-encryption-left-out.mjs", import.meta.url));
/**
 * The X.509 parser @simplewebauthn/server uses only to follow an attestation's certificate chain, which the
 * service never asks for (attestation "none"): about 100 KB of the passkey function with what it brings.
 */
const x509LeftOut = fileURLToPath(new URL("./x509-left-out.mjs", import.meta.url));

/**
 * Writes each generated file to a folder of its own, named by its content's hash, for the bundling hook to copy
 * beside the bundle; returns each file's staged path. The asset's hash is its output's, so a change of content
 * is a new asset.
 */
function stageFiles(files: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([name, content]) => {
      if (basename(name) !== name)
        throw new Error(`a file beside the bundle is named with a folder: ${name}`);
      const folder = join(
        tmpdir(),
        `pin-bundled-${createHash("sha256").update(content).digest("hex").slice(0, 16)}`,
      );
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, name), content);
      return [name, join(folder, name)];
    }),
  );
}

/** The bundling options of a function, with `files` (name: content) written beside its bundle. */
export function bundling(files: Readonly<Record<string, string>>): BundlingOptions {
  const staged = stageFiles(files);
  return {
    format: OutputFormat.ESM,
    target: "node22",
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    mainFields: ["module", "main"],
    // CommonJS dependencies call `require`, which an ES module does not have. Aliased import: the bundle
    // may import `createRequire` itself.
    banner:
      "import { createRequire as __pinCreateRequire } from 'node:module'; const require = __pinCreateRequire(import.meta.url);",
    // The SDK version we test with is the one we deploy, not the one the runtime happens to carry.
    bundleAwsSDK: true,
    esbuildArgs: {
      "--alias": [
        ...credentialProvidersLeftOut.map((name) => `${name}=${leftOutModule}`),
        `fontkit=${fontkitLeftOut}`,
        `@noble/ciphers/aes=${pdfEncryptionLeftOut}`,
        `@peculiar/x509=${x509LeftOut}`,
      ],
    },
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => [
        `node ${JSON.stringify(pdfFontsScript)} ${JSON.stringify(outputDir)}`,
        ...Object.entries(staged).map(
          ([name, path]) =>
            `node -e "require('node:fs').copyFileSync(process.argv[1], process.argv[2])" ${JSON.stringify(path)} ${JSON.stringify(join(outputDir, name))}`,
        ),
      ],
    },
  };
}
