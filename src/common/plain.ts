// Markdown narration as plain text (the panel's notes area and the walkthrough's notifications
// show text, never HTML): code fences, emphasis and inline-code marks are dropped.

export function plainMarkdown(md: string): string {
  return md
    .replace(/```\w*\n?/g, '')
    .replace(/\*{1,2}([^*\n]+)\*{1,2}/g, '$1')
    .replace(/__([^_\n]+)__/g, '$1')
    .replace(/`/g, '');
}
