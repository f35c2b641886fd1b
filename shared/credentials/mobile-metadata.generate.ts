/**
 * Writes mobile-metadata.json, the phone-number metadata mobile.ts validates with: libphonenumber-js's mobile
 * metadata (every country's numbering plan and its mobile ranges) without the national formatting patterns,
 * which only formatting reads. Parsing, `isValid()`, `getType()` and the E.164 form read the rest, unchanged;
 * the formats were half the bytes (about 50 of 99 KB) of every function that takes a mobile number.
 * A unit test keeps the file equal to what this derives from the installed package; after upgrading
 * libphonenumber-js, run `node --import tsx shared/credentials/mobile-metadata.generate.ts`.
 * Not imported by any function: a function importing it would bundle the full mobile metadata.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { MetadataJson } from "libphonenumber-js/core";
import mobile from "libphonenumber-js/metadata.mobile.json";

/** The index of a numbering plan's formats in libphonenumber-js's compressed metadata (metadata.js). */
const FORMATS = 4;

export function mobileMetadataWithoutFormats(): MetadataJson {
  const metadata = structuredClone(mobile) as unknown as {
    countries: Record<string, unknown[]>;
    nonGeographic?: Record<string, unknown[]>;
  };
  for (const plans of [metadata.countries, metadata.nonGeographic ?? {}]) {
    for (const plan of Object.values(plans)) plan[FORMATS] = 0;
  }
  return metadata as unknown as MetadataJson;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = fileURLToPath(new URL("./mobile-metadata.json", import.meta.url));
  writeFileSync(file, `${JSON.stringify(mobileMetadataWithoutFormats())}\n`);
  execFileSync("npx", ["biome", "format", "--write", file], { stdio: "inherit" });
}
