/** This companion's release, reported in the native-messaging hello and in status (DESIGN §4.1). */
export const COMPANION_VERSION = '0.1.0';
