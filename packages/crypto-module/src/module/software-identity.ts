/** The "software part" and version every audit entry and status names (DESIGN §3.5). */
export const SOFTWARE_PART = 'indicium-crypto-module';
export const SOFTWARE_VERSION = '0.1.0';
