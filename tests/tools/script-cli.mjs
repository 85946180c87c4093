// Command-line handling shared by the test tool scripts: `--name value` pairs and file reads,
// where any problem ends the script with a message on stderr and exit status 2.

import { readFileSync } from "node:fs";

/**
 * Returns { usage, parseArgs, read } for the script `name`.
 * usage(message) prints "<name>: <message>" (and the usage line when given) and exits 2.
 * parseArgs(argv, known, required) maps `--opt value` pairs of the `known` options;
 * an unknown option, a missing value or a missing `required` option is a usage error.
 * read(path) returns the file's bytes, or is a usage error when it cannot be read.
 */
export function scriptCli(name, usageLine = "") {
  function usage(message) {
    process.stderr.write(`${name}: ${message}\n`);
    if (usageLine) {
      process.stderr.write(`usage: ${usageLine}\n`);
    }
    process.exit(2);
  }

  function parseArgs(argv, known, required = known) {
    const out = {};
    for (let i = 0; i < argv.length; i += 2) {
      const arg = argv[i];
      if (!arg.startsWith("--") || !known.includes(arg.slice(2)) || i + 1 >= argv.length) {
        usage(`unexpected argument "${arg}"`);
      }
      out[arg.slice(2)] = argv[i + 1];
    }
    for (const option of required) {
      if (out[option] === undefined) {
        usage(`--${option} is required`);
      }
    }
    return out;
  }

  function read(path) {
    try {
      return readFileSync(path);
    } catch (err) {
      usage(`cannot read ${path}: ${err.message}`);
    }
  }

  return { usage, parseArgs, read };
}
