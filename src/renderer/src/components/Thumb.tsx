import { useState } from 'react';

interface Props {
  hash: string | null;
  artBaseUrl: string | null;
  size: number;
  /** 'image' for the full picture rather than the thumbnail. */
  kind?: 'thumb' | 'image';
  alt?: string;
}

/** An album's picture from the artwork cache, or a plain sleeve where there is none (or it failed to load). */
export function Thumb({ hash, artBaseUrl, size, kind = 'thumb', alt = '' }: Props) {
  const [failed, setFailed] = useState<string | null>(null);
  if (!hash || !artBaseUrl || failed === hash) {
    return (
      <span className="thumb thumb-none" style={{ width: size, height: size }} aria-hidden={alt ? undefined : true} role={alt ? 'img' : undefined} aria-label={alt || undefined}>
        ♪
      </span>
    );
  }
  return (
    <img
      className="thumb"
      src={`${artBaseUrl}${kind}/${hash}`}
      width={size}
      height={size}
      alt={alt}
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => setFailed(hash)}
    />
  );
}
