import type { ModulePort } from '@indicium/crypto-module';
import {
  IndiciumError,
  type ModuleOutcome,
  type ModuleRequest,
  OFFICER_PATHS,
  OfficerDispatchAnswerSchema,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import type { VaultClient } from './vault-client.js';

/**
 * A module seen through the vault's officer endpoint: `OfficerClient` runs the session over it
 * end to end, so the vault in between only relays sealed messages. The answer must name the
 * module asked for.
 */
export function remoteModulePort(client: VaultClient, serial: string): ModulePort {
  const path = OFFICER_PATHS.dispatch.replace('{serial}', encodeURIComponent(serial));
  return {
    async dispatch(request: ModuleRequest): Promise<ModuleOutcome> {
      const answer = await client.send(
        'POST',
        path,
        { protocol: PROTOCOL_VERSION, request },
        OfficerDispatchAnswerSchema,
      );
      if (answer.module !== serial) {
        throw new IndiciumError('INVALID_FIELD', {
          field: 'module',
          detail: `answer for ${answer.module}, not ${serial}`,
        });
      }
      return answer.outcome as ModuleOutcome;
    },
  };
}
