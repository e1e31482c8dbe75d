import { IndiciumError, type ModuleState } from '@indicium/protocol';
import type { TransitionSpec } from './command-spec.js';

/**
 * The target state of a command that ran in `state` (DESIGN §3.1), pure. `chosen` is the
 * handler's choice for a `decided` transition; any choice outside the declared states is a bug
 * that must not move the module, hence INTERNAL_ERROR.
 */
export function transition(spec: TransitionSpec, state: ModuleState, chosen?: ModuleState): ModuleState {
  switch (spec.kind) {
    case 'stay':
      return state;
    case 'to':
      return spec.state;
    case 'decided':
      if (chosen === undefined || !spec.states.includes(chosen)) {
        throw new IndiciumError('INTERNAL_ERROR', { detail: 'handler chose an undeclared next state' });
      }
      return chosen;
  }
}

/** The state current is set to before the handler runs: known only for a fixed `to` transition. */
export function currentBeforeWork(spec: TransitionSpec, state: ModuleState): ModuleState {
  return spec.kind === 'to' ? spec.state : state;
}
