import path from 'node:path';

/** Extensions a scan picks up; anything else in a music folder is left alone. */
const AUDIO_EXTENSIONS: Record<string, string> = {
  '.mp3': 'mp3',
  '.mp2': 'mp3',
  '.flac': 'flac',
  '.m4a': 'm4a',
  '.m4b': 'm4a',
  '.mp4': 'm4a',
  '.aac': 'aac',
  '.ogg': 'ogg',
  '.oga': 'ogg',
  '.opus': 'opus',
  '.spx': 'ogg',
  '.wav': 'wav',
  '.wave': 'wav',
  '.aif': 'aiff',
  '.aiff': 'aiff',
  '.aifc': 'aiff',
  '.wma': 'wma',
  '.wv': 'wavpack',
  '.ape': 'ape',
  '.mpc': 'musepack',
  '.dsf': 'dsf',
  '.dff': 'dsdiff',
};

export function isAudioPath(file: string): boolean {
  return path.extname(file).toLowerCase() in AUDIO_EXTENSIONS;
}

/** The format the extension promises: 'mp3', 'flac', 'm4a', ... */
export function formatFromExtension(file: string): string | null {
  return AUDIO_EXTENSIONS[path.extname(file).toLowerCase()] ?? null;
}

/** The format that sniffed content really is, from its MIME type. */
export function formatFromMime(mime: string): string | null {
  const byMime: Record<string, string> = {
    'audio/mpeg': 'mp3',
    'audio/flac': 'flac',
    'audio/x-flac': 'flac',
    'audio/mp4': 'm4a',
    'audio/x-m4a': 'm4a',
    'video/mp4': 'm4a',
    'audio/aac': 'aac',
    'audio/ogg': 'ogg',
    'audio/opus': 'opus',
    'audio/ogg; codecs=opus': 'opus',
    'audio/wav': 'wav',
    'audio/vnd.wave': 'wav',
    'audio/x-wav': 'wav',
    'audio/aiff': 'aiff',
    'audio/x-aiff': 'aiff',
    'audio/x-ms-asf': 'wma',
    'video/x-ms-asf': 'wma',
    'audio/wavpack': 'wavpack',
    'audio/ape': 'ape',
    'audio/x-musepack': 'musepack',
    'audio/x-dsf': 'dsf',
    'audio/x-dff': 'dsdiff',
  };
  return byMime[mime] ?? null;
}
