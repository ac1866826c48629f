/** A free loopback port for a throwaway server (wrangler dev, a temporary PostgreSQL). */
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    // 8787 belongs to `npm run dev`.
    if (port !== 8787) return port;
  }
}
