"use client";

import { useEffect, useRef, useState } from "react";

/**
 * A text field that commits what is typed once the typing pauses, and follows the committed
 * value when it changes elsewhere (the back button, a suggestion).
 */
export function useDebouncedCommit(
  committed: string,
  commit: (value: string) => void,
  delayMs = 300,
) {
  const [text, setText] = useState(committed);
  const lastCommitted = useRef(committed);
  const commitRef = useRef(commit);
  useEffect(() => {
    commitRef.current = commit;
  });

  useEffect(() => {
    if (committed !== lastCommitted.current) {
      lastCommitted.current = committed;
      setText(committed);
    }
  }, [committed]);

  useEffect(() => {
    if (text.trim() === lastCommitted.current.trim()) return;
    const timer = setTimeout(() => {
      lastCommitted.current = text.trim();
      commitRef.current(text.trim());
    }, delayMs);
    return () => clearTimeout(timer);
  }, [text, delayMs]);

  return [text, setText] as const;
}
