/** Tests that tamper with a trace's structured metadata, which the file keeps as one JSON string in `#meta.pagecheck`. */
import { INFO_FIELD, type ItfTrace } from '../../trace/counterexample.js';

export function editMeta(trace: ItfTrace, edit: (structured: Record<string, unknown>) => void): void {
  const meta = trace['#meta'] as unknown as Record<string, string>;
  const structured = JSON.parse(meta[INFO_FIELD]) as Record<string, unknown>;
  edit(structured);
  meta[INFO_FIELD] = JSON.stringify(structured);
}
