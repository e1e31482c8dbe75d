/**
 * The public half of the development signing key, base64 SPKI DER, as the Chrome manifest's `key`.
 * It pins the unpacked extension's id, so the companion's native-messaging manifest can name it in
 * `allowed_origins` before the extension is loaded. The private half is not in the repository: an
 * unpacked extension needs none, and a store build is signed by the store with its own key.
 */
export const DEVELOPMENT_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu7kxSU0QwZeC3esmPmTdTxLg/2sgQ2Tewgd/0pQucCuoQZcwHEoxSvzXk7INc+Px3fKAhlzrMLVDvwUzeynEFzoHZQyBbouRv4CktfGGrdZc0h0XSYBftXe6Saf7f02i9dIC8Ermds99PMIdNP7yw253f4OSpAT1JYGFt7HS3ntv8pKTALnzwUqGzcvRirjWz0G3RFpvYvUxixQbeIk93MysrGSRuY2irQ1V4VO/ywNweV8z8xyBcHjRb9dExMm8hIBQKqyf+0yGQrrofUUD0vSEYaMWrKoqotpavdrWLiWLEmYJozukXwVpdcX+7l9hbELjjrzZWnul3KmsvXjrKQIDAQAB';

/** The Chrome/Chromium extension id that key gives (checked by a test against `extensionIdFromKey`). */
export const DEVELOPMENT_EXTENSION_ID = 'cgmdonginiikpoindfahfnaokakjjmln';

/** The Firefox add-on id (`browser_specific_settings.gecko.id`); Firefox ignores `key`. */
export const FIREFOX_EXTENSION_ID = 'extension@indicium.example';
