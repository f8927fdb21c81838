// Canned replies: a macro's text with placeholders filled from the item it is used on.

export interface MacroContext {
  customerName: string
  organisationName: string
  threadTitle: string
  threadUrl: string
  agentName: string
  itemId: number
}

export const PLACEHOLDERS: Record<string, (context: MacroContext) => string> = {
  'customer.name': (c) => c.customerName,
  'organisation.name': (c) => c.organisationName,
  'thread.title': (c) => c.threadTitle,
  'thread.url': (c) => c.threadUrl,
  'agent.name': (c) => c.agentName,
  'item.id': (c) => String(c.itemId),
}

/** Fills {{placeholders}}; unknown ones stay visible so the writer notices them. */
export function fillMacro(body: string, context: MacroContext): string {
  return body.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (whole, name: string) => PLACEHOLDERS[name]?.(context) ?? whole)
}

export function unknownPlaceholders(body: string): string[] {
  return [...body.matchAll(/\{\{\s*([a-z.]+)\s*\}\}/g)].map((match) => match[1]!).filter((name) => !(name in PLACEHOLDERS))
}
