/** The subcommands, by name. */
import type { Command } from '../io.js';
import { checkCommand } from './check.js';
import { conformCommand } from './conform.js';
import { designsCommand } from './designs.js';
import { exploreCommand } from './explore.js';
import { replayCommand } from './replay.js';
import { reportCommand } from './report.js';

export const commands: readonly Command[] = [checkCommand, replayCommand, designsCommand, reportCommand, exploreCommand, conformCommand];
