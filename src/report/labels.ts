// Chinese labels for the words the data uses in English.

const COMPONENT_LABELS: Record<string, string> = {
  field: '实地考察',
  survey: '问卷调查',
  questionnaire: '问卷调查',
  materials: '网上申报',
  online: '网上申报',
  filing: '网上申报',
  review: '材料审核',
};

export function componentLabel(id: string): string {
  return COMPONENT_LABELS[id] ?? id;
}

/** A component id for a label or id written in a components file (`问卷调查` → `survey`). */
export function componentIdFor(text: string, configured: readonly string[]): string | undefined {
  if (configured.includes(text)) return text;
  const lower = text.toLowerCase();
  if (configured.includes(lower)) return lower;
  return configured.find((id) => COMPONENT_LABELS[id] === text);
}
