// Identifier helpers. Thread, turn and item ids are UUIDv7, like the reference server's.
import { v7 as uuidv7 } from 'uuid';

export function newId(): string {
  return uuidv7();
}
