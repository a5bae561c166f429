"""Who is a lead, and the Team page's pieces."""
from __future__ import annotations

import os

import plotly.graph_objects as go
import streamlit as st

from core.team import LEADS_ENV, leads_from


def _secret_leads():
    try:
        return st.secrets.get("leads")
    except Exception:          # no secrets file at all
        return None


def is_lead() -> bool:
    """A signed-in learner whose email is among the leads; without sign-in there are no leads."""
    if not st.user.get("is_logged_in", False):
        return False
    email = str(st.user.get("email") or "").strip().lower()
    return bool(email) and email in leads_from(_secret_leads(), os.environ.get(LEADS_ENV))


def heatmap_figure(users: list[str], names: list[str], chapters: list[str], matrix) -> go.Figure:
    fig = go.Figure(go.Heatmap(z=matrix, x=chapters, y=names, zmin=0, zmax=1, colorscale="Blues",
                               hovertemplate="%{y} · %{x}: %{z:.0%}<extra></extra>"))
    fig.update_layout(height=max(240, 22 * len(users) + 120), margin=dict(l=10, r=10, t=10, b=10),
                      yaxis=dict(autorange="reversed"))
    return fig
