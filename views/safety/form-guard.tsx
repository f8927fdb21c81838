/**
 * The hidden parts of a form that scripts give themselves away with: a field people never see
 * (a script fills every field), and a signed timestamp of when the page was served (a script
 * posts faster than anyone can type). See src/safety/form-stamps.ts.
 */
export function FormGuardFields({ guard }: { guard?: { stamp: string; honeypot: string; stampField: string } | null }) {
  if (!guard) return null
  return (
    <>
      <div class="form-trap" aria-hidden="true">
        <label for={`field-${guard.honeypot}`}>Leave this field empty</label>
        <input id={`field-${guard.honeypot}`} type="text" name={guard.honeypot} value="" tabindex={-1} autocomplete="off" />
      </div>
      <input type="hidden" name={guard.stampField} value={guard.stamp} />
    </>
  )
}

export type FormGuard = { stamp: string; honeypot: string; stampField: string }
