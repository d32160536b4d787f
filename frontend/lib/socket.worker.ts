/**
 * Dedicated worker holding the page's WebSocket connection (lib/socketRelay.ts says why); the
 * page talks to it through lib/workerSocket.ts.
 */
import { createRelay, type RelayCommand, type RelayEvent, type RelaySocket } from './socketRelay';

/** The worker's global scope, typed by hand: the project's TypeScript lib is the DOM's. */
const scope = self as unknown as {
  postMessage(message: RelayEvent): void;
  onmessage: ((ev: MessageEvent<RelayCommand>) => void) | null;
};

const relay = createRelay((event) => scope.postMessage(event), {
  createSocket: (url) => new WebSocket(url) as unknown as RelaySocket,
});
scope.onmessage = (ev) => relay.handle(ev.data);
