#!/usr/bin/env node
// Independent Kubernetes object validator for the tests: checks every object in
// the given YAML files against the JSON schemas shipped by the pinned npm packages
// (tests/tools/package-lock.json, installed by scripts/install-tools.sh):
//
//   kubernetes-models           built-in API groups (v1, apps/v1, batch/v1,
//                               rbac.authorization.k8s.io/v1, apiextensions.k8s.io/v1, ...)
//   @kubernetes-models/argo-cd  argoproj.io/v1alpha1 (Application, AppProject, ApplicationSet)
//   @kubernetes-models/flux-cd  *.toolkit.fluxcd.io (source v1/v1beta2, helm v2/v2beta2,
//                               kustomize v1, notification, image)
//
// The model class is chosen by apiVersion + kind from the package's group/version
// module; its validate() runs the package's compiled schema (ajv). Objects of any
// other apiVersion/kind are reported as "unvalidated" and only fail with --strict.
//
// YAML is read the way the consumers read it: kubectl, Helm and Argo CD decode with
// go-yaml v2 (YAML 1.1 scalars: yes/no/on/off are booleans), kustomize (Flux) with
// go-yaml v3 (YAML 1.2: they are strings). When the two readings of a document
// differ, both are validated, so an ambiguous scalar fails where some consumer
// would reject it. Timestamps and sexagesimal numbers stay strings, as in go-yaml.
//
// Usage: node validate-k8s.mjs [--strict] FILE...   ("-" reads stdin)
// Output (stdout): one line per problem,
//   FILE: doc N (<kind> <name>): <message>
//   FILE: doc N (<kind> <name>): unvalidated <apiVersion> <kind>
// and a summary "validated N objects (M unvalidated)".
// Exit status: 0 all known objects valid; 1 invalid object, YAML error, or (with
// --strict) an unvalidated object; 2 usage error or unreadable file.

import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";

const USAGE = "usage: node validate-k8s.mjs [--strict] FILE... (- for stdin)";

// apiVersion whose package module is missing -> apiVersion validated instead (the
// object's apiVersion is rewritten to it). Used only when the primary is absent.
const FALLBACK_API_VERSIONS = {
  "helm.toolkit.fluxcd.io/v2": "helm.toolkit.fluxcd.io/v2beta2",
};

function packageFor(group) {
  if (group === "") return "kubernetes-models";
  if (group === "argoproj.io") return "@kubernetes-models/argo-cd";
  if (group.endsWith(".toolkit.fluxcd.io")) return "@kubernetes-models/flux-cd";
  if (!group.includes(".") || group.endsWith(".k8s.io")) return "kubernetes-models";
  return null;
}

const moduleCache = new Map();

async function loadGroupVersion(apiVersion) {
  if (moduleCache.has(apiVersion)) return moduleCache.get(apiVersion);
  let mod = null;
  const parts = apiVersion.split("/");
  const [group, version] = parts.length === 1 ? ["", parts[0]] : parts;
  const pkg = parts.length <= 2 ? packageFor(group) : null;
  if (pkg && /^[a-z0-9.-]*$/.test(group) && /^v[0-9]+[a-z0-9]*$/.test(version)) {
    const specifier = group === "" ? `${pkg}/${version}` : `${pkg}/${group}/${version}`;
    try {
      mod = await import(specifier);
    } catch (err) {
      const missing = ["ERR_PACKAGE_PATH_NOT_EXPORTED", "ERR_MODULE_NOT_FOUND"];
      if (!missing.includes(err.code)) throw err;
      // A missing package (rather than a missing group/version) is an install problem.
      if (err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes(`'${pkg}'`)) {
        throw err;
      }
    }
  }
  moduleCache.set(apiVersion, mod);
  return mod;
}

function modelIn(mod, apiVersion, kind) {
  if (!mod || !Object.hasOwn(mod, kind)) return null;
  const cls = mod[kind];
  return typeof cls === "function" && cls.apiVersion === apiVersion && cls.kind === kind
    ? cls
    : null;
}

const notedMappings = new Set();

// -> { cls, apiVersion } (apiVersion the object is validated as), or null.
async function resolveModel(apiVersion, kind) {
  const cls = modelIn(await loadGroupVersion(apiVersion), apiVersion, kind);
  if (cls) return { cls, apiVersion };
  const fallback = FALLBACK_API_VERSIONS[apiVersion];
  if (fallback) {
    const alt = modelIn(await loadGroupVersion(fallback), fallback, kind);
    if (alt) {
      if (!notedMappings.has(apiVersion)) {
        notedMappings.add(apiVersion);
        console.log(
          `note: no ${apiVersion} ${kind} schema in the installed package; ` +
            `validating ${kind} ${apiVersion} objects against ${fallback}`,
        );
      }
      return { cls: alt, apiVersion: fallback };
    }
  }
  return null;
}

// go-yaml never produces dates or base-60 numbers for plain scalars.
const dropGoYamlIncompatibleTags = (tags) =>
  tags.filter((t) => t.format !== "TIME" && t.tag !== "tag:yaml.org,2002:timestamp");

function parseDocs(text, version) {
  return parseAllDocuments(text, {
    version,
    customTags: dropGoYamlIncompatibleTags,
    uniqueKeys: true,
    merge: true,
    prettyErrors: true,
  });
}

function formatAjvError(e) {
  const where = e.instancePath === "" ? "(root)" : e.instancePath;
  let msg = `${where} ${e.message}`;
  if (e.keyword === "enum" && Array.isArray(e.params?.allowedValues)) {
    msg += `: ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (e.keyword === "additionalProperties" && e.params?.additionalProperty) {
    msg += `: ${JSON.stringify(e.params.additionalProperty)}`;
  }
  return msg;
}

// -> list of messages ([] when valid).
function schemaErrors(cls, obj) {
  try {
    new cls(obj).validate();
    return [];
  } catch (err) {
    if (Array.isArray(err.errors) && err.errors.length > 0) {
      return err.errors.map(formatAjvError);
    }
    return [String(err.message ?? err)];
  }
}

function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function describe(obj) {
  const kind = isPlainObject(obj) && typeof obj.kind === "string" ? obj.kind : "<no kind>";
  const meta = isPlainObject(obj) && isPlainObject(obj.metadata) ? obj.metadata : {};
  const name =
    typeof meta.name === "string"
      ? meta.name
      : typeof meta.generateName === "string"
        ? `${meta.generateName}*`
        : "<unnamed>";
  return `${kind} ${name}`;
}

const stats = { validated: 0, unvalidated: 0, failed: false };

function report(label, obj, message) {
  console.log(`${label} (${describe(obj)}): ${message}`);
}

// readings: [{ obj, tag }] — the same object under each YAML reading that differs.
async function checkObject(label, readings, strict) {
  const obj = readings[0].obj;
  if (!isPlainObject(obj)) {
    console.log(`${label}: not a mapping`);
    stats.failed = true;
    return;
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !apiVersion || !kind) {
    report(label, obj, "apiVersion and kind must be non-empty strings");
    stats.failed = true;
    return;
  }
  if (apiVersion === "v1" && kind === "List" && Array.isArray(obj.items)) {
    for (let i = 0; i < obj.items.length; i++) {
      const items = readings.map((r) => ({ obj: r.obj.items?.[i], tag: r.tag }));
      await checkObject(`${label} item ${i + 1}`, items, strict);
    }
    return;
  }
  const model = await resolveModel(apiVersion, kind);
  if (!model) {
    stats.unvalidated++;
    report(label, obj, `unvalidated ${apiVersion} ${kind}`);
    if (strict) stats.failed = true;
    return;
  }
  stats.validated++;
  // A message found under every reading is reported once, untagged.
  const perReading = readings.map(({ obj: o }) => {
    const target = model.apiVersion === apiVersion ? o : { ...o, apiVersion: model.apiVersion };
    const errs = schemaErrors(model.cls, target);
    const meta = isPlainObject(o.metadata) ? o.metadata : {};
    if (typeof meta.name !== "string" && typeof meta.generateName !== "string") {
      errs.push("/metadata must have required property name");
    }
    return new Set(errs);
  });
  const messages = new Set();
  readings.forEach(({ tag }, i) => {
    for (const e of perReading[i]) {
      const everywhere = perReading.every((set) => set.has(e));
      messages.add(everywhere || !tag ? e : `${e} (as ${tag})`);
    }
  });
  for (const m of messages) {
    report(label, obj, m);
    stats.failed = true;
  }
}

function yamlErrorText(err) {
  return String(err.message).split("\n")[0].replace(/:$/, "");
}

async function checkFile(file, strict) {
  const display = file === "-" ? "<stdin>" : file;
  let text;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    console.error(`validate-k8s: ${display}: ${err.message}`);
    return false;
  }
  const docs11 = parseDocs(text, "1.1");
  const docs12 = parseDocs(text, "1.2");
  for (let i = 0; i < docs11.length; i++) {
    const label = `${display}: doc ${i + 1}`;
    const errors = [...docs11[i].errors, ...(docs12[i]?.errors ?? [])];
    if (errors.length > 0) {
      console.log(`${label}: YAML error: ${yamlErrorText(errors[0])}`);
      stats.failed = true;
      continue;
    }
    const a = docs11[i].toJS({ maxAliasCount: 1000 });
    const b = docs12[i] ? docs12[i].toJS({ maxAliasCount: 1000 }) : a;
    if (a === null || a === undefined) continue; // empty document
    const readings = isDeepStrictEqual(a, b)
      ? [{ obj: a, tag: "" }]
      : [
          { obj: a, tag: "YAML 1.1: kubectl, Helm, Argo CD" },
          { obj: b, tag: "YAML 1.2: kustomize, Flux" },
        ];
    await checkObject(label, readings, strict);
  }
  return true;
}

async function main(argv) {
  let strict = false;
  const files = [];
  let optionsDone = false;
  for (const arg of argv) {
    if (!optionsDone && arg === "--") optionsDone = true;
    else if (!optionsDone && arg === "--strict") strict = true;
    else if (!optionsDone && (arg === "-h" || arg === "--help")) {
      console.log(USAGE);
      return 0;
    } else if (!optionsDone && arg.startsWith("-") && arg !== "-") {
      console.error(`validate-k8s: unknown option ${arg}\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }
  if (files.length === 0) {
    console.error(USAGE);
    return 2;
  }
  let readable = true;
  for (const file of files) readable = (await checkFile(file, strict)) && readable;
  console.log(`validated ${stats.validated} objects (${stats.unvalidated} unvalidated)`);
  if (!readable) return 2;
  return stats.failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`validate-k8s: ${err.stack ?? err}`);
    process.exitCode = 2;
  },
);
