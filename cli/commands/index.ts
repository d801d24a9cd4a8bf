/** The subcommands, by name. */
import type { Command } from '../io.js';
import { checkCommand } from './check.js';
import { designsCommand } from './designs.js';
import { replayCommand } from './replay.js';

export const commands: readonly Command[] = [checkCommand, replayCommand, designsCommand];
