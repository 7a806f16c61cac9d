import { describe } from 'vitest';
import { registry } from '../../agent/registry.ts';
import { componentContract } from '../support/component-contract.ts';
import { withTestSchema } from '../support/database.ts';

// A real database, for the components that refuse to start without one (postgres).
const db = withTestSchema();

for (const factory of registry) {
  describe(`${factory.kind} ${factory.type} (component contract)`, () => componentContract(factory, () => ({ database: db.database })));
}
