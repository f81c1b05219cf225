/**
 * Property tests draw from one fixed seed by default, so a CI run is reproducible and never flaky;
 * `FC_SEED=random npm test` explores new cases, `FC_SEED=<n>` replays a run (fast-check prints the seed
 * of any failure).
 */
import fc from "fast-check";

const seed = process.env.FC_SEED;
if (seed !== "random") fc.configureGlobal({ seed: seed === undefined ? 20261122 : Number(seed) });
