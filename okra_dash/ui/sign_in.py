"""Optional sign-in with st.login (OIDC): on when secrets.toml has an [auth] section."""

from __future__ import annotations

import streamlit as st

from okra_dash import settings
from okra_dash.ui import data
from okra_dash.ui.access import allowed
from okra_dash.ui.text import md


def require() -> None:
    """Stop the page unless sign-in is off or the signed-in user is allowed."""
    on, domains, emails = settings.sign_in(data.secrets())
    if not on:
        return
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        st.title("okra-dash")
        st.write("Sign in to see the weekly OKR review.")
        st.button("Sign in", on_click=st.login, key="sign_in", type="primary")
        st.stop()
    if not allowed(user.get("email"), domains, emails, user.get("email_verified")):
        st.title("okra-dash")
        st.error(f"{md(user.get('email') or 'This account')} is not allowed to see this dashboard. "
                 "Ask its owner to add your e-mail or domain.")
        st.button("Sign out", on_click=st.logout, key="sign_out")
        st.stop()
    st.sidebar.caption(f"Signed in as {md(user.get('email'))}")
    st.sidebar.button("Sign out", on_click=st.logout, key="sign_out")
