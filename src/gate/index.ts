/** What an inference Worker imports (types only) to call the gate over its service binding. */
export type { CheckAccessInput, GateAnswer, GateError } from "./answer";
export type { CatalogGate } from "./entrypoint";
