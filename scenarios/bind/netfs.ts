import { Inexpressible, type Binder } from './replay.js';
export const netfsBinder: Binder = { params() { throw new Inexpressible('todo'); }, prelude: () => [], expand() { throw new Inexpressible('todo'); } };
