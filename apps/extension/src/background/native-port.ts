/**
 * The part of a native-messaging port (`runtime.connectNative`) the companion link uses, so that
 * the link is written against the browser's contract and a test can drive it without a browser.
 */
export interface NativePort {
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: { addListener(listener: (message: unknown) => void): void };
  readonly onDisconnect: { addListener(listener: (port: NativePort) => void): void };
  /** Firefox reports why a port closed here; Chrome in `runtime.lastError`. */
  readonly error?: { readonly message?: string } | null | undefined;
}
