import { describe } from 'vitest';
import { registry } from '../../agent/registry.ts';
import { componentContract } from '../support/component-contract.ts';

for (const factory of registry) {
  describe(`${factory.kind} ${factory.type} (component contract)`, () => componentContract(factory));
}
