"""WeChat as a second channel: binding an openid to a person, notices with SMS fallback, chat replies.

WeChat is off (and nothing else changes) while WECHAT_APP_ID or WECHAT_APP_SECRET is unset.
"""

from jobmatch.config import Settings
from notifications.wechat_account import WechatConfig, parse_template_ids


def wechat_config(settings: Settings) -> WechatConfig:
    """The WECHAT_* settings as the notifications side reads them."""
    return WechatConfig(
        app_id=settings.wechat_app_id, app_secret=settings.wechat_app_secret, token=settings.wechat_token,
        aes_key=settings.wechat_aes_key, api_base_url=settings.wechat_api_base_url,
        oauth_base_url=settings.wechat_oauth_base_url, template_ids=parse_template_ids(settings.wechat_template_ids),
        long_term=settings.wechat_long_term,
    )
