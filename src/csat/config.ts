/** The words of the five ratings, on the page and in the mail. */
export const RATING_LABELS: Record<1 | 2 | 3 | 4 | 5, string> = {
  1: 'Not at all',
  2: 'Barely',
  3: 'Partly',
  4: 'Mostly',
  5: 'Completely',
}
