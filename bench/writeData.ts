/**
 * `node dist/bench/writeData.js WORKLOAD N G DIR`: writes one generated batch as a peer data directory
 * (manifest.json + binaries), to try the Python peers by hand.
 */
import { compileFile } from "../src/compiler/compile.js";
import { writeManifest } from "./manifest.js";
import { generateData } from "./measure.js";
import { findWorkload, specPath } from "./workloads.js";

const [name, size, groupSize, dir] = process.argv.slice(2);
if (!name || !size || !groupSize || !dir) {
  process.stderr.write("usage: node dist/bench/writeData.js WORKLOAD N G DIR\n");
  process.exit(2);
}
const workload = findWorkload(name);
const module = compileFile(specPath(workload.name)).module;
if (!module) throw new Error(`${workload.name} does not compile in this build`);
writeManifest(dir, generateData(workload, module, Number(size), Number(groupSize), 20240601));
process.stdout.write(`wrote ${dir}\n`);
