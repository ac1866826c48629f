/** npm run db:migrate [-- --rollback]: apply pending migrations, or roll back the newest. */
import { runCli, withDatabase } from "./lib/database";
import { migrate, readMigrations, rollbackLatest } from "./lib/migrations";

await runCli(() =>
  withDatabase(async (client, target) => {
    const migrations = readMigrations();
    if (process.argv.includes("--rollback")) {
      const name = await rollbackLatest(client, migrations);
      console.log(`rolled back ${name} on ${target}`);
      return;
    }
    const applied = await migrate(client, migrations, {
      onApplied: (name, ms) => console.log(`applied ${name} (${ms.toFixed(0)} ms)`),
    });
    console.log(applied.length ? `${applied.length} migration(s) applied on ${target}` : `database is up to date (${target})`);
  }),
);
