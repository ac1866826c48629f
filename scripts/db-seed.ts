/**
 * npm run db:seed [-- --synthetic N]
 * Adds the curated catalog (skipping models already there), and optionally N
 * generated models for benchmarks.
 */
import { SEED_MODELS } from "./data/seed-catalog";
import { runCli, withDatabase } from "./lib/database";
import { insertSeeds, seedCuratedCatalog } from "./lib/seeding";
import { syntheticModels } from "./lib/synthetic-models";

function syntheticCount(): number {
  const index = process.argv.indexOf("--synthetic");
  if (index < 0) return 0;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 100_000) throw new Error("--synthetic takes a whole number from 1 to 100000");
  return value;
}

await runCli(async () => {
  const synthetic = syntheticCount();
  await withDatabase(async (client, target) => {
    const curated = await seedCuratedCatalog(client);
    console.log(`curated catalog: ${curated.models} added, ${SEED_MODELS.length - curated.models} already present (${target})`);
    if (synthetic) {
      const started = Date.now();
      const added = await insertSeeds(client, syntheticModels(synthetic), (done, total) => {
        if (process.stdout.isTTY) process.stdout.write(`\rsynthetic models: ${done}/${total}`);
        else if (done === total || done % 2000 < 250) console.log(`synthetic models: ${done}/${total}`);
      });
      if (process.stdout.isTTY) process.stdout.write("\n");
      console.log(`synthetic: ${added} added in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  });
});
