import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../shared/api';
import { api } from '../api';
import { useConnectionState } from '../stores/connection';
import { JobsPanel } from './JobsPanel';

const CONNECTION_LABEL = { connecting: 'Connecting…', open: 'Connected', closed: 'Disconnected, retrying…' } as const;

export function AppFrame() {
  const connection = useConnectionState();
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    api.appInfo().then(setInfo, () => undefined);
  }, []);

  return (
    <div className="frame">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">Sleeve</div>
        <ul>
          <li>
            <a href="#jobs" aria-current="page">
              Jobs
            </a>
          </li>
        </ul>
        <footer className="sidebar-foot">
          <span className={`connection connection-${connection}`}>{CONNECTION_LABEL[connection]}</span>
          {info && (
            <span className="library-path" title={info.libraryPath}>
              {/* bdi keeps the path left-to-right inside the right-to-left box that puts the ellipsis first. */}
              <bdi>{info.libraryPath}</bdi>
            </span>
          )}
          {info && <span className="version">v{info.version}</span>}
        </footer>
      </nav>
      <main className="content" id="jobs">
        <JobsPanel />
      </main>
    </div>
  );
}
