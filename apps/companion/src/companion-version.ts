/** This companion's release, reported in the native-messaging hello and in status (DESIGN §4.1). */
export const COMPANION_VERSION = '0.1.0';

/** The native-messaging host name the browsers look up (lower case, dots: Chrome's rule). */
export const NATIVE_HOST_NAME = 'com.indicium.companion';
