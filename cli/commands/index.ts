/** The subcommands, in the order the help lists them. A new one is a file beside this and a line here. */
import type { Command, RawCommand } from '../io.js';
import { checkCommand } from './check.js';
import { conformCommand } from './conform.js';
import { designsCommand } from './designs.js';
import { exploreCommand } from './explore.js';
import { newCommand } from './new.js';
import { replayCommand } from './replay.js';
import { reportCommand } from './report.js';
import { mergeCommand } from './merge.js';

export const commands: readonly (Command | RawCommand)[] = [checkCommand, replayCommand, designsCommand, reportCommand, exploreCommand, mergeCommand, conformCommand, newCommand];
