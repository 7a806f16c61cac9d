// Placeholder: replaced by the bundled-PostgreSQL global setup (agent/store).
export default async function setup(): Promise<void> {}
