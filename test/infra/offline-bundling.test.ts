import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { App, type CfnElement, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as ses from "aws-cdk-lib/aws-ses";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { afterAll, describe, expect, it } from "vitest";
import { type BindingTargets, PinFunction } from "../../infra/constructs/pin-function.ts";
import { functionDefinitions } from "../../shared/functions.ts";
import { buildOpenApiDocument, OPENAPI_DOCUMENT_FILE } from "../../shared/openapi.ts";
import { cdkContext } from "./synth.ts";

describe("synthesis with the npm registry unreachable", () => {
  const work = mkdtempSync(join(tmpdir(), "pin-offline-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The staged asset of a function of `stack`. */
  function assetOf(assembly: CloudAssembly, stack: Stack, fn: PinFunction): string {
    const id = stack.getLogicalId(fn.function.node.defaultChild as CfnElement);
    const code = Template.fromStack(stack).toJSON().Resources[id].Properties.Code;
    return join(assembly.directory, `asset.${String(code.S3Key).replace(/\.zip$/, "")}`);
  }

  it("bundles pdfkit's fonts into the functions that render PDFs and the OpenAPI document beside its function, installs nothing, and the bundles run alone (passkeys without the X.509 parser); SDK credentials from the environment only", () => {
    const saved = { ...process.env };
    // Any npm install during bundling would fail: no registry, no cache, offline.
    Object.assign(process.env, {
      npm_config_registry: "http://127.0.0.1:9/",
      npm_config_offline: "true",
      npm_config_cache: join(work, "empty-npm-cache"),
    });
    try {
      const app = new App({
        context: cdkContext,
        outdir: join(work, "cdk.out"),
        builtinCloudFormationValidation: false,
      });
      const stack = new Stack(app, "Bundles");
      const targets = bindingTargets(stack);
      const common = { targets, stage: "test", webOrigin: { origin: "https://pin.example.org" } };
      const letterBatch = new PinFunction(stack, "LetterBatch", {
        ...common,
        entry: functionDefinitions.letterBatch.entry,
      });
      const health = new PinFunction(stack, "Health", { ...common, entry: functionDefinitions.health.entry });
      const renderer = new PinFunction(stack, "Renderer", {
        ...common,
        entry: "test/fixtures/pdf-bundle-entry.ts",
      });
      const credentials = new PinFunction(stack, "Credentials", {
        ...common,
        entry: "test/fixtures/credentials-bundle-entry.ts",
      });
      const passkeys = new PinFunction(stack, "Passkeys", {
        ...common,
        entry: "test/fixtures/passkey-bundle-entry.ts",
      });
      const document = buildOpenApiDocument();
      const openapi = new PinFunction(stack, "OpenApi", {
        ...common,
        entry: functionDefinitions.openapi.entry,
        files: { [OPENAPI_DOCUMENT_FILE]: JSON.stringify(document) },
      });
      const assembly = app.synth();

      const batch = assetOf(assembly, stack, letterBatch);
      expect(readdirSync(batch).sort()).toEqual([
        "index.mjs",
        "index.mjs.map",
        "package.json",
        "standard-fonts",
      ]);
      expect(JSON.parse(readFileSync(join(batch, "package.json"), "utf8")).imports).toEqual({
        "#standard-fonts/*": "./standard-fonts/*.cjs",
      });
      expect(existsSync(join(batch, "standard-fonts", "Courier.cjs"))).toBe(true);
      expect(readdirSync(assetOf(assembly, stack, health)).sort()).toEqual(["index.mjs", "index.mjs.map"]);

      // The OpenAPI function serves the document generated at synthesis, beside its bundle, which carries neither
      // the route table nor the generator.
      const openapiAlone = join(work, "openapi-task");
      cpSync(assetOf(assembly, stack, openapi), openapiAlone, { recursive: true });
      expect(readdirSync(openapiAlone).sort()).toEqual(["index.mjs", "index.mjs.map", OPENAPI_DOCUMENT_FILE]);
      const openapiSources = (
        JSON.parse(readFileSync(join(openapiAlone, "index.mjs.map"), "utf8")) as { sources: string[] }
      ).sources;
      expect(openapiSources.filter((source) => /routes\.ts$|zod-to-openapi/.test(source))).toEqual([]);
      const answer = runAlone(
        openapiAlone,
        {},
        {
          rawPath: "/v1/openapi.json",
          headers: { "x-forwarded-proto": "https" },
          requestContext: {
            domainName: "api.pin.example.org",
            http: { method: "GET", path: "/v1/openapi.json" },
          },
        },
      );
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({
        ...document,
        servers: [{ url: "https://api.pin.example.org", description: "This deployment" }],
      });

      // Away from the repository and its node_modules, as in Lambda: pdfkit finds its fonts in the bundle.
      const alone = join(work, "task");
      cpSync(assetOf(assembly, stack, renderer), alone, { recursive: true });
      const rendered = runAlone(alone, {});
      expect(rendered.header).toBe("%PDF-");
      expect(rendered.bytes).toBeGreaterThan(1_000);
      // Standard fonts only: fontkit (and the Brotli decoder it carries) is left out of the bundle, and so is the
      // AES that pdfkit uses only to encrypt a document.
      const rendererMap = JSON.parse(readFileSync(join(alone, "index.mjs.map"), "utf8")) as {
        sources: string[];
      };
      expect(
        rendererMap.sources.filter((source) =>
          /\/node_modules\/(fontkit|brotli|@noble\/ciphers)\//.test(source),
        ),
      ).toEqual([]);

      // A passkey registration (attestation "none") and an ES256 login verify with the X.509 parser left out of
      // the bundle (with the container and polyfill it brings); a forged signature does not.
      const passkeysAlone = join(work, "passkeys-task");
      cpSync(assetOf(assembly, stack, passkeys), passkeysAlone, { recursive: true });
      expect(runAlone(passkeysAlone, { WEB_ORIGIN: "https://pin.example.org" })).toEqual({
        registered: true,
        loggedIn: true,
        forgedLoggedIn: false,
      });
      const passkeysMap = JSON.parse(readFileSync(join(passkeysAlone, "index.mjs.map"), "utf8")) as {
        sources: string[];
      };
      expect(
        passkeysMap.sources.filter((source) =>
          /\/node_modules\/(@peculiar\/x509|tsyringe|reflect-metadata)\//.test(source),
        ),
      ).toEqual([]);
      expect(passkeysMap.sources.some((source) => source.includes("/@simplewebauthn/server/"))).toBe(true);

      // The SDK's credential providers other than the environment's are left out of every bundle, and with them
      // the clients they call; credentials come from the environment, as Lambda sets them, and without them the
      // chain fails loudly instead of reaching for a provider from elsewhere.
      const sdkOnly = join(work, "sdk-task");
      cpSync(assetOf(assembly, stack, credentials), sdkOnly, { recursive: true });
      const { sources } = JSON.parse(readFileSync(join(sdkOnly, "index.mjs.map"), "utf8")) as {
        sources: string[];
      };
      for (const left of ["nested-clients", "credential-provider-ini", "credential-provider-sso"]) {
        expect(sources.filter((source) => source.includes(`/${left}/`))).toEqual([]);
      }
      const resolve = (env: Record<string, string>) =>
        runAlone(sdkOnly, { AWS_REGION: "eu-south-1", ...env });
      expect(
        resolve({
          AWS_ACCESS_KEY_ID: "AKIDLAMBDA",
          AWS_SECRET_ACCESS_KEY: "secret",
          AWS_SESSION_TOKEN: "token",
        }),
      ).toEqual({ accessKeyId: "AKIDLAMBDA" });
      expect(resolve({}).error).toMatch(/no AWS credential provider other than environment variables/);
    } finally {
      for (const name of ["npm_config_registry", "npm_config_offline", "npm_config_cache"]) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});

/**
 * Runs the handler of a bundle copied away from the repository (as in Lambda: nothing but the bundle's own
 * folder), with only PATH and `env` in its environment; returns what it answered, as JSON.
 */
function runAlone(dir: string, env: Record<string, string>, event?: unknown) {
  const output = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      "const { handler } = await import(process.argv[1]); const event = process.argv[2] && JSON.parse(process.argv[2]); " +
        "console.log(JSON.stringify(await handler(event, { awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 })));",
      pathToFileURL(join(dir, "index.mjs")).href,
      ...(event === undefined ? [] : [JSON.stringify(event)]),
    ],
    { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } },
  );
  return JSON.parse(output.trim().split("\n").at(-1)!);
}

/** Minimal binding targets for functions bound to nothing. */
function bindingTargets(stack: Stack): BindingTargets {
  const dataKey = new kms.Key(stack, "DataKey", { enableKeyRotation: true });
  const configurationSet = new ses.ConfigurationSet(stack, "Email");
  return {
    table: new dynamodb.Table(stack, "Table", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
    }),
    dataKey,
    partBKey: new kms.Key(stack, "PartBKey", { enableKeyRotation: true }),
    signingKey: new kms.Key(stack, "SigningKey", {
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
    }),
    logsKey: new kms.Key(stack, "LogsKey", { enableKeyRotation: true }),
    lettersBucket: new s3.Bucket(stack, "Letters"),
    uploadsBucket: new s3.Bucket(stack, "Uploads"),
    smsSenderId: "INPSPIN",
    senderEmail: "no-reply@pin.example.org",
    emailIdentity: new ses.EmailIdentity(stack, "Sender", {
      identity: ses.Identity.email("no-reply@pin.example.org"),
      configurationSet,
    }),
    configurationSet,
  };
}
