"""An async client for the Wayback Machine APIs under one base URL.

Paths under ``base_url``: CDX ``/cdx/search/cdx``, availability ``/wayback/available``,
playback ``/web/<ts>/<url>``, Save Page Now 2 ``POST /save`` and ``/save/status/<job_id>``.

Errors (from :mod:`provenance.errors`)::

    ArchiveServiceError      could not ask: 5xx, timeout, network down, malformed answer
    └── ArchiveRateLimited   a 429; ``retry_after`` from the header, else 60 s

"No snapshot" is a value: an empty list or ``None``. Every request has an overall deadline
(``timeout``), so neither a hung server nor a trickling body can stall a run.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import httpx

from provenance.check.classify import retry_after_seconds as parse_retry_after
from provenance.domain.archives import (
    PlaybackProbe,
    SaveRequest,
    SaveStatus,
    Snapshot,
    format_timestamp,
    parse_timestamp,
)
from provenance.errors import ArchiveRateLimited, ArchiveServiceError
from provenance.net.body import ACCEPT_ENCODING, read_capped
from provenance.settings import Settings

DEFAULT_RETRY_AFTER = 60.0  # seconds to stop after a 429 that does not say how long
CDX_FIELDS = ("timestamp", "original", "statuscode", "mimetype", "digest")
BLOCKED_SITE = "AdministrativeAccessControlException"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); 60 when absent/bad."""
    seconds = parse_retry_after(value, now)
    return DEFAULT_RETRY_AFTER if seconds is None else seconds


def _status_int(raw: Any) -> int | None:
    text = str(raw).strip() if raw is not None else ""
    return int(text) if text.isdigit() else None


def parse_cdx_json(body: str) -> list[Snapshot]:
    """Rows of a CDX ``output=json`` answer (row 0 names the fields; ``[]`` when empty)."""
    if not body.strip():
        return []
    try:
        rows = json.loads(body)
    except ValueError:
        raise ArchiveServiceError("Wayback CDX answered something that is not JSON") from None
    if not isinstance(rows, list) or any(not isinstance(r, list) for r in rows):
        raise ArchiveServiceError("Wayback CDX answer is not a list of rows")
    if not rows:
        return []
    header, data = [str(h) for h in rows[0]], rows[1:]
    if "timestamp" not in header or "original" not in header:
        raise ArchiveServiceError(f"Wayback CDX answer lacks timestamp/original: {header}")
    out: list[Snapshot] = []
    for row in data:
        if not row:  # the blank row before a resume key
            break
        rec = dict(zip(header, row, strict=False))
        try:
            stamp = parse_timestamp(str(rec["timestamp"]))
        except (KeyError, ValueError):
            continue
        out.append(Snapshot(timestamp=stamp, original=str(rec.get("original", "")),
                            status=_status_int(rec.get("statuscode")),
                            mimetype=rec.get("mimetype"), digest=rec.get("digest")))
    return out


def parse_availability(body: str, url: str) -> Snapshot | None:
    """The ``closest`` snapshot of an availability answer, or None (``archived_snapshots: {}``)."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ArchiveServiceError("Wayback availability answered something that is not JSON")\
            from None
    if not isinstance(data, dict):
        raise ArchiveServiceError("Wayback availability answer is not an object")
    closest = (data.get("archived_snapshots") or {}).get("closest")
    if not closest or not closest.get("available", True) or not closest.get("timestamp"):
        return None
    try:
        stamp = parse_timestamp(str(closest["timestamp"]))
    except ValueError:
        raise ArchiveServiceError(f"bad availability timestamp {closest['timestamp']!r}")\
            from None
    original = url
    archived = str(closest.get("url") or "")
    marker = f"/{closest['timestamp']}/"
    if marker in archived:
        original = archived.split(marker, 1)[1] or url
    return Snapshot(timestamp=stamp, original=original, status=_status_int(closest.get("status")))


def _web_path_parts(path_and_query: str) -> tuple[str, str] | None:
    """``/web/<ts>[flags]/<url>`` -> (ts digits, url)."""
    marker = "/web/"
    if marker not in path_and_query:
        return None
    rest = path_and_query.split(marker, 1)[1]
    stamp, _, original = rest.partition("/")
    digits = "".join(ch for ch in stamp if ch.isdigit())
    if not digits or not original:
        return None
    return digits, original


def _link_original(header: str | None) -> str | None:
    for part in (header or "").split(","):
        if 'rel="original"' in part and "<" in part and ">" in part:
            return part[part.index("<") + 1:part.index(">")]
    return None


class WaybackClient:
    """The Wayback Machine APIs over one pooled ``httpx.AsyncClient``."""

    def __init__(self, base_url: str, *, timeout: float = 30.0,
                 user_agent: str = "provenance", access_key: str = "",
                 secret_key: str = "", transport: httpx.AsyncBaseTransport | None = None) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ArchiveServiceError(f"wayback-url {base_url!r} is not an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._auth = f"LOW {access_key}:{secret_key}" if access_key and secret_key else None
        self._http = httpx.AsyncClient(
            base_url=self.base_url, transport=transport, follow_redirects=False,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            headers={"User-Agent": user_agent})

    @classmethod
    def from_settings(cls, settings: Settings,
                      transport: httpx.AsyncBaseTransport | None = None) -> WaybackClient:
        return cls(settings.wayback_url, timeout=settings.wayback_timeout,
                   user_agent=settings.user_agent, access_key=settings.wayback_access_key,
                   secret_key=settings.wayback_secret_key, transport=transport)

    @property
    def authenticated(self) -> bool:
        return self._auth is not None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    # -- transport -------------------------------------------------------------------------

    async def _send(self, what: str, method: str, path: str, *, params: Any = None,
                    data: Mapping[str, str] | None = None,
                    headers: Mapping[str, str] | None = None, read: bool = True) -> httpx.Response:
        """One request under an overall deadline; transport failures -> ArchiveServiceError."""
        request = self._http.build_request(method, path, params=params, data=data,
                                           headers=headers)
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._http.send(request, stream=True)
                try:
                    if read:
                        await response.aread()
                finally:
                    await response.aclose()
        except TimeoutError:
            raise ArchiveServiceError(f"Wayback {what}: no answer within {self.timeout:g} s")\
                from None
        except httpx.TimeoutException:
            raise ArchiveServiceError(f"Wayback {what}: timed out") from None
        except httpx.HTTPError as err:
            raise ArchiveServiceError(
                f"Wayback {what}: cannot reach {self.base_url} ({type(err).__name__}: {err})")\
                from None
        if response.status_code == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise ArchiveRateLimited(f"Wayback {what}: rate limited (429), retry after "
                                     f"{wait:g} s", retry_after=wait)
        if response.status_code >= 500:
            raise ArchiveServiceError(f"Wayback {what}: server error {response.status_code}")
        return response

    # -- lookups ---------------------------------------------------------------------------

    async def cdx(self, url: str, *, closest: date | datetime | None = None, limit: int = 25,
                  filters: Iterable[str] = (), from_: str | None = None,
                  to: str | None = None) -> list[Snapshot]:
        """CDX captures of ``url`` (exact match), nearest ``closest`` first when given."""
        params: list[tuple[str, str]] = [("url", url), ("output", "json"),
                                         ("fl", ",".join(CDX_FIELDS)), ("limit", str(limit))]
        if closest is not None:
            params += [("closest", format_timestamp(closest)), ("sort", "closest")]
        if from_:
            params.append(("from", from_))
        if to:
            params.append(("to", to))
        params += [("filter", f) for f in filters]
        response = await self._send("CDX", "GET", "/cdx/search/cdx", params=params)
        if BLOCKED_SITE in response.text:
            return []  # the site is excluded from the archive: nothing can be played back
        if response.status_code != 200:
            raise ArchiveServiceError(f"Wayback CDX: unexpected status {response.status_code}")
        return parse_cdx_json(response.text)

    async def available(self, url: str, at: date | datetime | None = None) -> Snapshot | None:
        """The availability API's closest snapshot (a fallback: it is known to miss some)."""
        params = {"url": url}
        if at is not None:
            params["timestamp"] = format_timestamp(at)
        response = await self._send("availability", "GET", "/wayback/available", params=params)
        if response.status_code != 200:
            raise ArchiveServiceError(
                f"Wayback availability: unexpected status {response.status_code}")
        return parse_availability(response.text, url)

    async def probe(self, timestamp: str, url: str, max_redirects: int = 5) -> PlaybackProbe:
        """Play back ``/web/<timestamp>/<url>``: is there a capture, of which URL, from when.

        Follows the Wayback's own redirects (to the nearest capture) and stops at the first
        answer that is a capture (it carries ``Memento-Datetime``).
        """
        path = f"/web/{timestamp}/{url}"
        for hop in range(max_redirects + 1):
            response = await self._send("playback", "GET", path, read=False)
            memento = response.headers.get("Memento-Datetime")
            parts = _web_path_parts(path)
            if memento or response.status_code == 200:
                stamp = None
                if memento:
                    try:
                        stamp = parsedate_to_datetime(memento).astimezone(UTC)
                    except (TypeError, ValueError):
                        stamp = None
                if stamp is None and parts:
                    stamp = parse_timestamp(parts[0])
                original = _link_original(response.headers.get("Link")) or \
                    (parts[1] if parts else None)
                return PlaybackProbe(requested_url=f"{self.base_url}/web/{timestamp}/{url}",
                                     exists=True, http_status=response.status_code,
                                     timestamp=stamp, original=original, redirects=hop)
            location = response.headers.get("Location")
            if response.is_redirect and location:
                target = urljoin(f"{self.base_url}{path}", location)
                target_path = urlsplit(target)
                path = target_path.path + (f"?{target_path.query}" if target_path.query else "")
                if "/web/" in path:
                    continue
            return PlaybackProbe(requested_url=f"{self.base_url}/web/{timestamp}/{url}",
                                 exists=False, http_status=response.status_code, redirects=hop)
        return PlaybackProbe(requested_url=f"{self.base_url}/web/{timestamp}/{url}",
                             exists=False, http_status=None, redirects=max_redirects)

    async def capture_body(self, timestamp: str, url: str, cap: int,
                           max_redirects: int = 3) -> tuple[bytes, str | None, bool]:
        """The archived page itself (``/web/<ts>id_/<url>``: no Wayback toolbar), read up to
        ``cap`` bytes after decompression: (body, content type, truncated)."""
        path = f"/web/{timestamp}id_/{url}"
        for _hop in range(max_redirects + 1):
            request = self._http.build_request("GET", path,
                                               headers={"Accept-Encoding": ACCEPT_ENCODING})
            try:
                async with asyncio.timeout(self.timeout):
                    response = await self._http.send(request, stream=True)
                    try:
                        location = response.headers.get("Location")
                        if response.is_redirect and location:
                            target = urlsplit(urljoin(f"{self.base_url}{path}", location))
                            path = target.path + (f"?{target.query}" if target.query else "")
                            continue
                        if response.status_code != 200:
                            raise ArchiveServiceError(
                                f"Wayback capture: status {response.status_code} for {path}")
                        body, truncated = await read_capped(
                            response.aiter_raw(), response.headers.get("content-encoding"), cap)
                        return body, response.headers.get("content-type"), truncated
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise ArchiveServiceError(
                    f"Wayback capture: no answer within {self.timeout:g} s") from None
            except httpx.HTTPError as err:
                raise ArchiveServiceError(f"Wayback capture: {type(err).__name__}: {err}")\
                    from None
        raise ArchiveServiceError(f"Wayback capture: too many redirects for {url}")

    # -- Save Page Now 2 -------------------------------------------------------------------

    def _spn_headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self._auth:
            headers["Authorization"] = self._auth
        return headers

    def _json(self, what: str, response: httpx.Response) -> dict[str, Any]:
        if response.status_code in (401, 403):
            raise ArchiveServiceError(f"Wayback {what}: refused ({response.status_code}); "
                                      "check the access keys")
        try:
            data = response.json()
        except ValueError:
            raise ArchiveServiceError(f"Wayback {what}: answer is not JSON "
                                      f"(status {response.status_code})") from None
        if not isinstance(data, dict):
            raise ArchiveServiceError(f"Wayback {what}: answer is not a JSON object")
        return data

    async def save(self, url: str, options: Mapping[str, str] | None = None) -> SaveRequest:
        """Ask Save Page Now to capture ``url``: a job id to poll, or an error code."""
        form = {"url": url, **(options or {})}
        response = await self._send("Save Page Now", "POST", "/save", data=form,
                                    headers=self._spn_headers())
        data = self._json("Save Page Now", response)
        job_id = data.get("job_id")
        if job_id:
            return SaveRequest(url=url, job_id=str(job_id), message=data.get("message"))
        status_ext = data.get("status_ext") or ("error:unknown" if data.get("status") == "error"
                                                else "error:no-job-id")
        return SaveRequest(url=url, job_id=None, status_ext=str(status_ext),
                           message=data.get("message"))

    async def save_status(self, job_id: str) -> SaveStatus:
        """The state of a Save Page Now job: pending, success (with the capture) or error."""
        response = await self._send("Save Page Now status", "GET", f"/save/status/{job_id}",
                                    headers=self._spn_headers())
        data = self._json("Save Page Now status", response)
        status = str(data.get("status") or "")
        if status not in ("pending", "success", "error"):
            raise ArchiveServiceError(f"Wayback Save Page Now status: unknown status {status!r}")
        stamp = None
        if status == "success":
            try:
                stamp = parse_timestamp(str(data.get("timestamp") or ""))
            except ValueError:
                raise ArchiveServiceError("Save Page Now success without a timestamp") from None
        return SaveStatus(job_id=job_id, status=status, original_url=data.get("original_url"),
                          timestamp=stamp, status_ext=data.get("status_ext"),
                          message=data.get("message"))
