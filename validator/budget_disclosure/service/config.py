"""The service's settings (the options of ``budget-disclosure serve``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServiceConfig"]


@dataclass(frozen=True)
class ServiceConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2  # validating processes
    max_body_bytes: int = 20 * 1024 * 1024  # larger bodies: 413 (the command line's --max-bytes default)
    timeout: float = 30.0  # seconds for one request: its body (else 408), then its validation (else 503)
    max_concurrent: int = 16  # requests admitted at once (receiving, queued or validating); more: 503
    max_findings_per_rule: int = 1_000

    def __post_init__(self) -> None:
        for name, low in (("workers", 1), ("max_body_bytes", 1), ("max_concurrent", 1), ("port", 0)):
            if getattr(self, name) < low:
                raise ValueError(f"{name} must be at least {low}, not {getattr(self, name)}")
        if not self.timeout > 0:
            raise ValueError(f"timeout must be more than 0 seconds, not {self.timeout}")
