// Validate disclosures with ajv against the budget-disclosure schemas, offline: every schema is loaded from
// the spec folder (an export of `budget-disclosure schema export`, or a checkout) and found by its $id.
//
//   node ajv-validate.mjs SPEC_DIR DOCUMENT.json...     (SPEC_DIR holds schemas/)
//
// Draft 2020-12 (ajv/dist/2020) in ajv's strict mode. The project's own annotations (x-table, x-rule, …) are
// declared as a vocabulary, enumerated from the schemas themselves, so strict mode accepts them and a new
// annotation needs no edit here. Prints "DOCUMENT valid" or "DOCUMENT invalid" with ajv's errors; exits
// 0 when every document is valid, 1 when one is not, 2 on a usage error or a file that cannot be read.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const ENTRY = "disclosure.json";

function schemaFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return schemaFiles(path);
      return entry.isFile() && entry.name.endsWith(".json") ? [path] : [];
    });
}

// Every key spelled x-… anywhere in the schemas: the project's annotations.
function annotations(value, found = new Set()) {
  if (Array.isArray(value)) {
    value.forEach((item) => annotations(item, found));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith("x-")) found.add(key);
      annotations(item, found);
    }
  }
  return found;
}

function main(argv) {
  const [specDir, ...documents] = argv;
  if (!specDir || documents.length === 0) {
    console.error("usage: node ajv-validate.mjs SPEC_DIR DOCUMENT.json...");
    return 2;
  }
  const schemas = schemaFiles(join(specDir, "schemas")).map((path) => JSON.parse(readFileSync(path, "utf8")));
  const keywords = [...annotations(schemas)].sort();
  // ajv's strict mode as it comes (unknown keywords refused: strictSchema), but for two of its lints that
  // go beyond the standard: a union type (["integer", "null"]) is plain 2020-12, and the schemas give
  // "properties" and "required" in subschemas whose object type is stated where they are applied.
  const ajv = new Ajv2020({ allowUnionTypes: true, strictTypes: false });
  addFormats(ajv);
  ajv.addVocabulary(keywords);
  for (const schema of schemas) ajv.addSchema(schema);
  const entry = schemas.find((schema) => typeof schema.$id === "string" && schema.$id.endsWith(`/schemas/${ENTRY}`));
  if (!entry) {
    console.error(`no schemas/${ENTRY} in ${specDir}`);
    return 2;
  }
  const validate = ajv.getSchema(entry.$id);
  let status = 0;
  for (const path of documents) {
    let document;
    try {
      document = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      console.error(`${path}: cannot read as JSON (${error.message})`);
      return 2;
    }
    if (validate(document)) {
      console.log(`${path} valid`);
    } else {
      status = 1;
      console.log(`${path} invalid`);
      for (const error of validate.errors) console.log(`  ${error.instancePath || "/"}: ${error.message} (${error.schemaPath})`);
    }
  }
  return status;
}

process.exitCode = main(process.argv.slice(2));
